import { Queue } from '../../../../local/services/lambda';

describe('Queue', () => {
  it('is first in, first out across compactions', () => {
    // Prepare
    const queue = new Queue<number>();
    const out: number[] = [];
    // Act: interleave pushes and shifts past the compaction threshold
    for (let i = 0; i < 5000; i += 1) {
      queue.push(i);
      if (i % 3 === 0) out.push(queue.shift() as number);
    }
    while (queue.length > 0) out.push(queue.shift() as number);
    // Assess
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(queue.shift()).toBeUndefined();
  });

  it('drains what is left, in order, and is empty after', () => {
    // Prepare
    const queue = new Queue<string>();
    ['a', 'b', 'c'].forEach((x) => queue.push(x));
    queue.shift();
    // Act
    const rest = queue.drain();
    // Assess
    expect(rest).toEqual(['b', 'c']);
    expect(queue.length).toBe(0);
  });
});
