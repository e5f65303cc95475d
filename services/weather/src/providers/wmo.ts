/**
 * WMO 4677 weather interpretation codes, as Open-Meteo documents them, in words. OpenWeatherMap
 * condition ids are mapped onto the same codes so that alerts and widgets read one vocabulary.
 */
const WMO_DESCRIPTIONS: Record<number, string> = {
  0: 'Clear sky',
  1: 'Mainly clear',
  2: 'Partly cloudy',
  3: 'Overcast',
  45: 'Fog',
  48: 'Depositing rime fog',
  51: 'Light drizzle',
  53: 'Moderate drizzle',
  55: 'Dense drizzle',
  56: 'Light freezing drizzle',
  57: 'Dense freezing drizzle',
  61: 'Slight rain',
  63: 'Moderate rain',
  65: 'Heavy rain',
  66: 'Light freezing rain',
  67: 'Heavy freezing rain',
  71: 'Slight snow fall',
  73: 'Moderate snow fall',
  75: 'Heavy snow fall',
  77: 'Snow grains',
  80: 'Slight rain showers',
  81: 'Moderate rain showers',
  82: 'Violent rain showers',
  85: 'Slight snow showers',
  86: 'Heavy snow showers',
  95: 'Thunderstorm',
  96: 'Thunderstorm with slight hail',
  99: 'Thunderstorm with heavy hail',
};

export function describeWmo(code: number | undefined): string {
  if (code === undefined) return 'Unknown';
  return WMO_DESCRIPTIONS[code] ?? `Unknown weather code ${code}`;
}

/** Thunderstorm codes: 95 thunderstorm, 96 and 99 with hail. */
export const THUNDERSTORM_CODES: ReadonlySet<number> = new Set([95, 96, 99]);
export const HAIL_CODES: ReadonlySet<number> = new Set([96, 99]);

/** Exact OpenWeatherMap condition ids (https://openweathermap.org/weather-conditions) → WMO. */
const OWM_EXACT: Record<number, number> = {
  300: 51,
  301: 53,
  302: 55,
  310: 51,
  311: 53,
  312: 55,
  313: 53,
  314: 55,
  321: 53,
  500: 61,
  501: 63,
  502: 65,
  503: 65,
  504: 65,
  511: 66,
  520: 80,
  521: 81,
  522: 82,
  531: 82,
  600: 71,
  601: 73,
  602: 75,
  611: 77,
  612: 77,
  613: 77,
  615: 71,
  616: 73,
  620: 85,
  621: 85,
  622: 86,
  800: 0,
  801: 1,
  802: 2,
  803: 3,
  804: 3,
};

/**
 * The WMO code closest to an OpenWeatherMap condition id. OpenWeatherMap reports no hail, so its
 * thunderstorms (2xx) all become 95; fog, mist, haze and the other 7xx become 45.
 */
export function owmToWmo(id: number): number {
  const exact = OWM_EXACT[id];
  if (exact !== undefined) return exact;
  if (id >= 200 && id < 300) return 95;
  if (id >= 300 && id < 400) return 53;
  if (id >= 500 && id < 600) return 63;
  if (id >= 600 && id < 700) return 73;
  if (id >= 700 && id < 800) return 45;
  return 3;
}

/** Which of two codes is the more severe: WMO codes grow with severity, as Open-Meteo's daily code. */
export function mostSevere(codes: readonly number[]): number {
  return codes.reduce((worst, code) => Math.max(worst, code), 0);
}
