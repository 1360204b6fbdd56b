using Actors.Grains.Placement;

namespace Actors.Grains.Feeds;

/// <inheritdoc cref="ISiloCopiesGrain"/>
[PerSiloPlacement]
public sealed class SiloCopiesGrain(PostSnapshots posts, AuthorSnapshots authors) : Grain, ISiloCopiesGrain
{
    public ValueTask ForgetPost(Guid postId)
    {
        posts.Forget(postId);
        return ValueTask.CompletedTask;
    }

    public ValueTask ForgetAuthor(Guid authorId)
    {
        authors.Forget(authorId);
        return ValueTask.CompletedTask;
    }
}
