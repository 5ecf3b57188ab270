// Optional strategy members the registry/strategy.ts interface does not have yet; the
// pipeline may call them when present. Upstream: the per-kind PrepareForUpdate functions that
// bump metadata.generation for more than spec changes (pkg/registry/apps/deployment/strategy.go).
import type { KObject, Stored } from "../registry/object.ts";

export interface StrategyExtensions {
  /**
   * With `generation: true`: also bump metadata.generation when this returns true although
   * nothing but metadata changed (Deployment: any annotation change).
   */
  generationChanged?(obj: KObject, old: Stored): boolean;
}
