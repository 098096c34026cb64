/** Standard acceleration of gravity g, m/s² (CGPM 1901). Every correlation here uses it. */
export const STANDARD_GRAVITY = 9.80665;
