import type { TestProject } from 'vitest/node';
import { buildImages, e2eImages } from './images.js';
import type {} from './provided.js';
import { serviceIds } from './stack-images.js';

/** Builds every image the compose files declare, once for every e2e file, and hands their tags to the tests. */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const images = e2eImages();
  await buildImages(images);
  project.provide('images', Object.fromEntries(images.map((i) => [i.service, i.image])));
  project.provide('services', serviceIds(images));
  console.log(
    `e2e: ${images.length} images built in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      images.map((i) => i.image).join(', '),
  );
}
