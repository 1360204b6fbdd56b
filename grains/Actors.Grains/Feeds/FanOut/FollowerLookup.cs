using Actors.Grains.Abstractions;
using Actors.Grains.Data;
using Actors.Grains.Users;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Feeds.FanOut;

/// <summary>
/// The followers a post fans out to, looked up for many authors at once: the silo's fan-outs within
/// <see cref="FeedOptions.FanOutLinger"/> share one query by the reverse index.
/// </summary>
public sealed class FollowerLookup
{
    private readonly Database _database;
    private readonly Batcher<Guid, Guid[]> _lookups;

    public FollowerLookup(Database database, IOptions<FeedOptions> options)
    {
        _database = database;
        _lookups = new Batcher<Guid, Guid[]>(ReadAsync, options.Value.FanOutLinger, 500);
    }

    public Task<Guid[]> OfAsync(Guid authorId) => _lookups.RunAsync(authorId);

    private Task<IReadOnlyList<Guid[]>> ReadAsync(IReadOnlyList<Guid> authors) =>
        _database.ReadAsync<IReadOnlyList<Guid[]>>("fan-out.followers", async (connection, ct) =>
        {
            var rows = await Sql.ReadAllAsync(
                Sql.Command(connection, FollowSql.FollowersOf, Sql.Value(authors.Distinct().ToArray())),
                r => (Author: r.GetGuid(0), Follower: r.GetGuid(1)), ct).ConfigureAwait(false);
            var byAuthor = rows.ToLookup(r => r.Author, r => r.Follower);
            return authors.Select(a => byAuthor[a].ToArray()).ToList();
        });
}
