// Well-known label keys more than one controller writes or reads (upstream
// staging/src/k8s.io/api: apps/v1 ControllerRevisionHashLabelKey, discovery/v1 LabelServiceName
// and LabelManagedBy, core/v1 IsHeadlessService; pkg/controller/history ControllerRevisionHashLabel).

/** On a workload's pods: the hash of the ControllerRevision they were made from. */
export const CONTROLLER_REVISION_HASH_LABEL = "controller-revision-hash";
/** On a StatefulSet's ControllerRevisions: the revision's hash (upstream history package). */
export const REVISION_HASH_LABEL = "controller.kubernetes.io/hash";
/** On Endpoints and EndpointSlices of a Service with clusterIP None. */
export const HEADLESS_SERVICE_LABEL = "service.kubernetes.io/headless";
/** On an EndpointSlice: the Service it belongs to. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
/** On an EndpointSlice: who manages it. */
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
