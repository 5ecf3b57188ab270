// apiregistration.k8s.io/v1 (k8s.io/kube-aggregator pkg/apis/apiregistration/v1 types.go), in
// kubernetes-types' style, which leaves the aggregator's types out: read by generate-schemas.ts.
import { ListMeta, ObjectMeta, Time } from "../meta/v1";
/** APIService represents a server for a particular GroupVersion. Name must be "version.group". */
export interface APIService {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: "apiregistration.k8s.io/v1";
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: "APIService";
  /** Standard object's metadata. */
  metadata?: ObjectMeta;
  /** Spec contains information for locating and communicating with a server */
  spec?: APIServiceSpec;
  /** Status contains derived information about an API server */
  status?: APIServiceStatus;
}
/** APIServiceList is a list of APIService objects. */
export interface APIServiceList {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: "apiregistration.k8s.io/v1";
  /** Items is the list of APIService */
  items: Array<APIService>;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: "APIServiceList";
  /** Standard list metadata. */
  metadata?: ListMeta;
}
/** APIServiceSpec contains information for locating and communicating with a server. Only https is supported, though you are able to disable certificate verification. */
export interface APIServiceSpec {
  /** CABundle is a PEM encoded CA bundle which will be used to validate an API server's serving certificate. If unspecified, system trust roots on the apiserver are used. */
  caBundle?: string;
  /** Group is the API group name this server hosts */
  group?: string;
  /** GroupPriorityMinimum is the priority this group should have at least. Higher priority means that the group is preferred by clients over lower priority ones. */
  groupPriorityMinimum: number;
  /** InsecureSkipTLSVerify disables TLS certificate verification when communicating with this server. This is strongly discouraged. You should use the CABundle instead. */
  insecureSkipTLSVerify?: boolean;
  /** Service is a reference to the service for this API server.  It must communicate on port 443. If the Service is nil, that means the handling for the API groupversion is handled locally on this server. */
  service?: ServiceReference;
  /** Version is the API version this server hosts.  For example, "v1" */
  version?: string;
  /** VersionPriority controls the ordering of this API version inside of its group.  Must be greater than zero. */
  versionPriority: number;
}
/** APIServiceStatus contains derived information about an API server */
export interface APIServiceStatus {
  /** Current service state of apiService. */
  conditions?: Array<APIServiceCondition>;
}
/** APIServiceCondition describes the state of an APIService at a particular point */
export interface APIServiceCondition {
  /** Last time the condition transitioned from one status to another. */
  lastTransitionTime?: Time;
  /** Human-readable message indicating details about last transition. */
  message?: string;
  /** Unique, one-word, CamelCase reason for the condition's last transition. */
  reason?: string;
  /** Status is the status of the condition. Can be True, False, Unknown. */
  status: string;
  /** Type is the type of the condition. */
  type: string;
}
/** ServiceReference holds a reference to Service.legacy.k8s.io */
export interface ServiceReference {
  /** Name is the name of the service */
  name?: string;
  /** Namespace is the namespace of the service */
  namespace?: string;
  /** If specified, the port on the service that hosting webhook. Default to 443 for backward compatibility. `port` should be a valid port number (1-65535, inclusive). */
  port?: number;
}
