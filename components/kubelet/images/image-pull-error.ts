// An image no source provides. The kubelet reports it as the container's waiting reason with this
// message: ErrImagePull (then ImagePullBackOff), ErrImageNeverPull or InvalidImageName, as upstream.

export type ImagePullReason = "ErrImagePull" | "ErrImageNeverPull" | "InvalidImageName";

export class ImagePullError extends Error {
  override name = "ImagePullError";
  constructor(
    readonly image: string,
    message: string,
    readonly reason: ImagePullReason = "ErrImagePull",
  ) {
    super(message);
  }
}
