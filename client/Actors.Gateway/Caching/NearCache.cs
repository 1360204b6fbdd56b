using Actors.Gateway.Hosting;
using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Leases;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Caching;

/// <summary>
/// Hot profiles and posts in the gateway's memory, each held under a lease from its grain: a hot read
/// makes no grain call, and the grain tells this gateway to drop an entry before it acknowledges a change,
/// so no read that starts after the acknowledgement returns the older value, on any gateway. Only keys
/// read twice within a window are leased (<see cref="Caching.Admission"/>); a first read is the committed
/// row, read by a silo without activating the grain (<see cref="IColdReaderGrain"/>), and is not kept.
/// </summary>
public sealed class NearCache : INearCache
{
    private readonly IGrainFactory _grains;
    private readonly GrainHandles<IUserGrain> _users;
    private readonly GrainHandles<IPostGrain> _posts;
    private readonly LeasedEntries<UserProfile>? _profiles;
    private readonly LeasedEntries<Post>? _postEntries;
    private readonly IColdReaderGrain[] _coldReaders = new IColdReaderGrain[IColdReaderGrain.Partitions];
    private readonly ColdReads<UserProfile> _coldProfiles;
    private readonly ColdReads<Post> _coldPosts;
    private int _coldCalls;
    private INearCache? _self;

    internal NearCache(
        IGrainFactory grains, GrainHandles<IUserGrain> users, GrainHandles<IPostGrain> posts, IOptions<NearCacheOptions> options,
        TimeProvider clock, NearCacheMetrics metrics, Grantors grantors)
    {
        _grains = grains;
        _users = users;
        _posts = posts;
        _coldProfiles = new(ids => ColdReader().ReadProfiles(ids).AsTask());
        _coldPosts = new(ids => ColdReader().ReadPosts(ids).AsTask());
        var settings = options.Value;
        if (settings.Enabled)
        {
            _profiles = new(LeaseKind.User, settings.UserCapacity, clock, metrics, grantors, Admission(settings, clock));
            _postEntries = new(LeaseKind.Post, settings.PostCapacity, clock, metrics, grantors, Admission(settings, clock));
        }
    }

    /// <summary>The profile, or null when there is no such user.</summary>
    public ValueTask<UserProfile?> GetProfileAsync(Guid id) =>
        _profiles is null
            ? _users.Get(id).GetProfile()
            : _profiles.GetAsync(id, this, static (cache, key) => cache._users.Get(key).LeaseProfile(cache.Self),
                static (cache, key) => new(cache._coldProfiles.ReadAsync(key)));

    /// <summary>The post, or null when there is no such post.</summary>
    public ValueTask<Post?> GetPostAsync(Guid id) =>
        _postEntries is null
            ? _posts.Get(id).GetPost()
            : _postEntries.GetAsync(id, this, static (cache, key) => cache._posts.Get(key).LeasePost(cache.Self),
                static (cache, key) => new(cache._coldPosts.ReadAsync(key)));

    public Task Drop(LeaseKind kind, Guid[] ids)
    {
        foreach (var id in ids)
        {
            if (kind == LeaseKind.User)
            {
                _profiles?.Drop(id);
            }
            else
            {
                _postEntries?.Drop(id);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>This gateway as the grains see it: the holder they lease to and revoke.</summary>
    internal INearCache Holder => Self;

    private static Admission? Admission(NearCacheOptions settings, TimeProvider clock) =>
        settings.Admission ? new Admission(settings.AdmissionWindow, settings.AdmissionKeys, clock) : null;

    // Calls taken in turn over the partitions: a client routes calls to one grain id through one silo.
    // Reads are always safe to repeat: a call caught on a lost gateway connection fails at once, and
    // the requests it carried run again (Api/Failover.cs).
    private IColdReaderGrain ColdReader()
    {
        LostCallFilter.MarkRepeatable();
        var partition = (int)((uint)Interlocked.Increment(ref _coldCalls) % IColdReaderGrain.Partitions);
        return _coldReaders[partition] ??= _grains.GetGrain<IColdReaderGrain>(partition);
    }

    // Grains call back through this reference. Made on first use, when the cluster client is running; a
    // race makes two, and either one reaches this object.
    private INearCache Self => _self ??= _grains.CreateObjectReference<INearCache>(this);
}
