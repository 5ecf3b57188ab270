// Desired replicas after stabilization and limits (upstream pkg/controller/podautoscaler/
// horizontal.go normalizeDesiredReplicas, stabilizeRecommendation, convertDesiredReplicasWithRules,
// setCondition): a scale-down follows the highest recommendation of the window (300 s default).

import type { HorizontalPodAutoscalerCondition } from "kubernetes-types/autoscaling/v2";

interface Recommendation {
  replicas: number;
  at: number;
}

export type Conditions = HorizontalPodAutoscalerCondition[];

/** Sets a condition; its transition time moves only when its status changes. */
export function setCondition(
  conditions: Conditions,
  type: string,
  status: "True" | "False",
  reason: string,
  message: string,
  now: Date,
): Conditions {
  const old = conditions.find((c) => c.type === type);
  const lastTransitionTime =
    old && old.status === status ? old.lastTransitionTime : `${now.toISOString().slice(0, 19)}Z`;
  const next = { type, status, reason, message, lastTransitionTime };
  return old ? conditions.map((c) => (c.type === type ? next : c)) : [...conditions, next];
}

export class ReplicaNormalizer {
  private readonly recommendations = new Map<string, Recommendation[]>();

  forget(key: string): void {
    this.recommendations.delete(key);
  }

  /** The highest recommendation within the window, recording this one. */
  stabilize(key: string, replicas: number, windowMs: number, now: Date): number {
    const list = this.recommendations.get(key) ?? [];
    const cutoff = now.getTime() - windowMs;
    let max = replicas;
    let old = -1;
    list.forEach((r, i) => {
      if (r.at < cutoff) old = i;
      else if (r.replicas > max) max = r.replicas;
    });
    if (old >= 0) list[old] = { replicas, at: now.getTime() };
    else list.push({ replicas, at: now.getTime() });
    this.recommendations.set(key, list);
    return max;
  }

  /** Stabilizes, then clamps to min/max and the scale-up limit, setting AbleToScale and ScalingLimited. */
  normalize(
    key: string,
    input: { current: number; proposed: number; min: number; max: number; windowMs: number },
    conditions: Conditions,
    now: Date,
  ): { replicas: number; conditions: Conditions } {
    const stabilized = this.stabilize(key, input.proposed, input.windowMs, now);
    let out =
      stabilized !== input.proposed
        ? setCondition(
            conditions,
            "AbleToScale",
            "True",
            "ScaleDownStabilized",
            "recent recommendations were higher than current one, applying the highest recent recommendation",
            now,
          )
        : setCondition(
            conditions,
            "AbleToScale",
            "True",
            "ReadyForNewScale",
            "recommended size matches current size",
            now,
          );
    const { replicas, reason, message } = withRules(input.current, stabilized, input.min, input.max);
    out = setCondition(
      out,
      "ScalingLimited",
      replicas === stabilized ? "False" : "True",
      reason,
      message,
      now,
    );
    return { replicas, conditions: out };
  }
}

/** Upstream convertDesiredReplicasWithRules: at most max(2 * current, 4) in one step. */
export function withRules(
  current: number,
  desired: number,
  min: number,
  max: number,
): { replicas: number; reason: string; message: string } {
  const scaleUpLimit = Math.max(2 * current, 4);
  const [maximum, reason, message] =
    max > scaleUpLimit
      ? [
          scaleUpLimit,
          "ScaleUpLimit",
          "the desired replica count is increasing faster than the maximum scale rate",
        ]
      : [max, "TooManyReplicas", "the desired replica count is more than the maximum replica count"];
  if (desired < min) {
    return {
      replicas: min,
      reason: "TooFewReplicas",
      message: "the desired replica count is less than the minimum replica count",
    };
  }
  if (desired > maximum) return { replicas: maximum, reason, message };
  return {
    replicas: desired,
    reason: "DesiredWithinRange",
    message: "the desired count is within the acceptable range",
  };
}
