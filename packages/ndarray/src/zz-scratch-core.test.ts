import { it } from 'vitest';
import { array, eq, resultType } from './index.js';
it('s', () => {
  const a = array([0.1]);
  console.log(a.dtype, a.data, resultType(a, 0.1), eq(a, 0.1).data, a.eq(0.1).data, array([0.1]).eq(0.1).toArray());
});
