/**
 * Colour conversions of homeassistant/util/color.py, enough for a light's state attributes: Home
 * Assistant derives `hs_color`, `rgb_color` and `xy_color` from whichever the light is set in.
 */

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const clamp255 = (v: number) => Math.min(255, Math.max(0, v));

/** `color_temperature_to_rgb` (Tanner Helland's approximation). */
export function kelvinToRgb(kelvin: number): [number, number, number] {
  const t = Math.min(40000, Math.max(1000, kelvin)) / 100;
  const red = t <= 66 ? 255 : clamp255(329.698727446 * (t - 60) ** -0.1332047592);
  const green =
    t <= 66
      ? clamp255(99.4708025861 * Math.log(t) - 161.1195681661)
      : clamp255(288.1221695283 * (t - 60) ** -0.0755148492);
  const blue = t >= 66 ? 255 : t <= 19 ? 0 : clamp255(138.5177312231 * Math.log(t - 10) - 305.0447927307);
  return [red, green, blue];
}

/** `color_RGB_to_hs`: colorsys.rgb_to_hsv, hue in degrees and saturation in %, 3 decimals. */
export function rgbToHs(r: number, g: number, b: number): [number, number] {
  const [rn, gn, bn] = [r / 255, g / 255, b / 255];
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  if (max === min) return [0, 0];
  const s = (max - min) / max;
  const rc = (max - rn) / (max - min);
  const gc = (max - gn) / (max - min);
  const bc = (max - bn) / (max - min);
  let h = rn === max ? bc - gc : gn === max ? 2 + rc - bc : 4 + gc - rc;
  h = (((h / 6) % 1) + 1) % 1;
  return [round(h * 360, 3), round(s * 100, 3)];
}

/** `color_hs_to_RGB`: full value, integer channels. */
export function hsToRgb(h: number, s: number): [number, number, number] {
  const hue = (((h / 360) % 1) + 1) % 1;
  const sat = s / 100;
  const i = Math.floor(hue * 6);
  const f = hue * 6 - i;
  const p = 1 - sat;
  const q = 1 - sat * f;
  const t = 1 - sat * (1 - f);
  const table: Array<[number, number, number]> = [
    [1, t, p],
    [q, 1, p],
    [p, 1, t],
    [p, q, 1],
    [t, p, 1],
    [1, p, q],
  ];
  const [r, g, b] = table[i % 6] ?? [1, 1, 1];
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
}

/** `color_RGB_to_xy` (sRGB gamma, Wide RGB D65), 4 decimals. */
export function rgbToXy(r: number, g: number, b: number): [number, number] {
  if (r + g + b === 0) return [0, 0];
  const lin = (c: number) => {
    const v = c / 255;
    return v > 0.04045 ? ((v + 0.055) / 1.055) ** 2.4 : v / 12.92;
  };
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const X = R * 0.664511 + G * 0.154324 + B * 0.162028;
  const Y = R * 0.283881 + G * 0.668433 + B * 0.047685;
  const Z = R * 0.000088 + G * 0.07231 + B * 0.986039;
  const sum = X + Y + Z;
  return [round(X / sum, 4), round(Y / sum, 4)];
}

/** All three representations from a hue/saturation pair. */
export function fromHs(h: number, s: number) {
  const rgb = hsToRgb(h, s);
  return { hs_color: [round(h, 3), round(s, 3)], rgb_color: rgb, xy_color: rgbToXy(...rgb) };
}

/** All three from a colour temperature, as a light in `color_temp` mode reports them. */
export function fromKelvin(kelvin: number) {
  const [r, g, b] = kelvinToRgb(kelvin);
  const [h, s] = rgbToHs(r, g, b);
  return fromHs(h, s);
}

export const kelvinToMired = (kelvin: number): number => Math.floor(1_000_000 / kelvin);
