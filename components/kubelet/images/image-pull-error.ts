// An image no local source provides. The kubelet reports it as ErrImagePull/ImagePullBackOff
// with this message, which names the image, the directory searched and the embedded images.

export class ImagePullError extends Error {
  override name = "ImagePullError";
  constructor(
    readonly image: string,
    message: string,
  ) {
    super(message);
  }
}
