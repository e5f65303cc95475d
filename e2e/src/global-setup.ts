import { buildImages } from './images.js';

/** Builds the images once for every e2e file. */
export default async function setup() {
  const started = Date.now();
  await buildImages();
  console.log(`e2e: images built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
