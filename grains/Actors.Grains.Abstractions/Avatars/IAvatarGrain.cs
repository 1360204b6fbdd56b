using Orleans.Concurrency;

namespace Actors.Grains.Abstractions.Avatars;

/// <summary>
/// A user's avatar, keyed by user id: the upload is checked and stored at once, thumbnails are made in
/// the background, and the finished thumbnails are served from memory.
/// </summary>
[Alias("actors.IAvatarGrain")]
public interface IAvatarGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Checks the image's header (format, dimensions), stores the upload and queues its thumbnails, in one
    /// transaction. A refused image is not stored.
    /// </summary>
    ValueTask<AvatarUpload> Upload(string contentType, byte[] image);

    /// <summary>The thumbnail of this edge length (64 or 256), or null when the user never uploaded one.</summary>
    [ReadOnly]
    ValueTask<AvatarImage?> GetThumbnail(int size);

    /// <summary>Told by the thumbnail worker after it finished (or refused) an upload: reload on next read.</summary>
    [AlwaysInterleave]
    ValueTask Invalidate();
}
