/** Shapes several test files check. */

/** `State.as_dict()` keys, in Home Assistant's order. */
export const STATE_DICT_KEYS = [
  'entity_id',
  'state',
  'attributes',
  'last_changed',
  'last_reported',
  'last_updated',
  'context',
];
