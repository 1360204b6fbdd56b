namespace Actors.Grains.Copies;

/// <summary>One per silo: drops the silo's copies of a post or an author when told they changed.</summary>
public interface ISiloCopiesGrain : IGrainWithStringKey
{
    ValueTask ForgetPost(Guid postId);

    ValueTask ForgetAuthor(Guid authorId);
}
