/**
 * Valid Fargate task sizes (AWS ECS developer guide, "Task CPU and memory"). Anything else fails at
 * apply with "No Fargate configuration exists for given values".
 */
const FARGATE_MEMORY_BY_CPU: Record<number, readonly number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

export const FARGATE_CPU_VALUES = Object.keys(FARGATE_MEMORY_BY_CPU).map(Number);

/** Memory values (MiB) Fargate accepts for a task CPU value, or [] when the CPU value is invalid. */
export function fargateMemoryFor(cpu: number): readonly number[] {
  return FARGATE_MEMORY_BY_CPU[cpu] ?? [];
}

/** Human-readable allowed memory for a CPU value, e.g. "1024-8192 MiB in 1024 MiB steps". */
export function describeFargateMemory(cpu: number): string {
  const values = fargateMemoryFor(cpu);
  if (values.length === 0) return `task cpu must be one of ${FARGATE_CPU_VALUES.join(", ")}`;
  if (cpu === 256) return values.join(", ") + " MiB";
  return `${values[0]}-${values[values.length - 1]} MiB in ${values[1] - values[0]} MiB steps`;
}
