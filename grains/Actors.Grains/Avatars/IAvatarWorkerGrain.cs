namespace Actors.Grains.Avatars;

/// <summary>Makes the thumbnails of uploads; stateless, so every silo runs one per core, in parallel.</summary>
public interface IAvatarWorkerGrain : IGrainWithIntegerKey
{
    Task Process(Guid userId, long version);
}
