using Actors.Grains.Placement;

namespace Actors.Grains.Copies;

/// <inheritdoc cref="ISiloCopiesGrain"/>
[PerSiloPlacement]
public sealed class SiloCopiesGrain(PostCopies posts, AuthorCopies authors) : Grain, ISiloCopiesGrain
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
