/** Where a value sits in a YAML document: keys and list indexes from the root, e.g. `['spec', 'checks', 2, 'to']`. */
export type FieldPath = readonly (string | number)[];
