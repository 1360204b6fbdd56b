using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Feeds;
using Actors.Grains.Abstractions.Paging;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Data;
using Actors.Grains.Posts;
using Actors.Grains.Users;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Actors.Grains.Feeds.Timelines;

/// <summary>
/// One user's home timeline. Holds the newest <see cref="FeedOptions.TimelineLength"/> entries of the
/// people the user follows (post id, author, time: the posts themselves live in their grains), kept
/// current by fan-out. Widely followed authors are not fanned out: their newest posts are merged in
/// from their <see cref="IAuthorPostsGrain"/> when a page is read. A cold, stale (follows changed) or
/// old timeline is rebuilt with one round trip; pages older than memory holds are read with one query.
/// </summary>
public sealed class TimelineGrain(
    Database database, FeedAssembler assembler, GrainHandles<IAuthorPostsGrain> authorPosts, IOptions<FeedOptions> options, TimeProvider clock)
    : Grain, ITimelineGrain
{
    private readonly FeedOptions _options = options.Value;
    private readonly List<TimelineEntry> _entries = [];
    private readonly HashSet<Guid> _posts = [];
    private HashSet<Guid> _followees = [];
    private Guid[] _merged = [];
    private bool _built;
    private bool _stale;
    private bool _truncated;
    private DateTimeOffset _builtAt;

    private Guid Id => this.GetPrimaryKey();

    public async ValueTask<Page<FeedItem>> GetFeed(PageCursor? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Dictionary<Guid, Post>? rows = null;
        if (!_built || _stale || clock.GetUtcNow() - _builtAt > _options.TimelineMaxAge)
        {
            // A first page's posts come with the rebuild; a later page's are batch-loaded if cold.
            rows = await Rebuild(after is null ? limit + 1 : 0);
        }

        var page = await Candidates(after, limit + 1);
        if (page.Count <= limit && _truncated)
        {
            // Past what memory holds: the page comes from PostgreSQL, posts included.
            var fromDb = await ReadOlder(after, limit + 1);
            page = [.. fromDb.Select(EntryOf)];
            rows = fromDb.ToDictionary(p => p.Id);
        }

        var next = page.Count > limit ? EntryOrder.CursorOf(page[limit - 1]) : (PageCursor?)null;
        var shown = page.Count > limit ? page[..limit] : page;
        var (items, gone) = await assembler.AssembleAsync(shown, rows);
        foreach (var postId in gone)
        {
            Remove(postId);
        }

        return new Page<FeedItem>(items, next);
    }

    public ValueTask Offer(TimelineEntry entry)
    {
        if (!_built)
        {
            // Nothing in memory to keep current: a later read rebuilds from PostgreSQL, post included.
            DeactivateOnIdle();
        }
        else if (_followees.Contains(entry.AuthorId) && _posts.Add(entry.PostId))
        {
            var at = _entries.BinarySearch(entry, EntryOrder.NewestFirst);
            _entries.Insert(at < 0 ? ~at : at, entry);
            if (_entries.Count > _options.TimelineLength)
            {
                _posts.Remove(_entries[^1].PostId);
                _entries.RemoveAt(_entries.Count - 1);
                _truncated = true;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask Withdraw(Guid postId)
    {
        if (!_built)
        {
            DeactivateOnIdle();
        }

        Remove(postId);
        return ValueTask.CompletedTask;
    }

    public ValueTask FollowsChanged()
    {
        _stale = true;
        return ValueTask.CompletedTask;
    }

    private void Remove(Guid postId)
    {
        if (_posts.Remove(postId))
        {
            _entries.RemoveAll(e => e.PostId == postId);
        }
    }

    // The next entries after the cursor: memory, merged with the newest posts of widely followed authors.
    private async Task<List<TimelineEntry>> Candidates(PageCursor? after, int count)
    {
        var own = (after is { } cursor ? _entries.Where(e => EntryOrder.IsAfter(e, cursor)) : _entries).Take(count).ToList();
        if (_merged.Length == 0)
        {
            return own;
        }

        var recent = await Task.WhenAll(_merged.Select(a => authorPosts.Get(a).GetRecent(after, count).AsTask()));
        foreach (var entry in recent.SelectMany(r => r))
        {
            if (!_posts.Contains(entry.PostId) && !own.Exists(e => e.PostId == entry.PostId))
            {
                own.Add(entry);
            }
        }

        own.Sort(EntryOrder.NewestFirst);
        return own.Count > count ? own[..count] : own;
    }

    // One round trip: who the user follows (and who of them is merged at read time), the newest
    // entries, and the posts of the first <paramref name="withPosts"/> of them.
    private async Task<Dictionary<Guid, Post>> Rebuild(int withPosts)
    {
        _stale = false;
        var length = _options.TimelineLength;
        var (followees, entries, posts) = await database.ReadAsync("timeline.rebuild", async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(Command(FollowSql.Followees, Sql.Value(Id), Sql.Value(_options.FanOutLimit)));
            batch.BatchCommands.Add(Command(PostSql.TimelineRebuild, Sql.Value(Id), Sql.Value(length + 1), Sql.Value(withPosts)));
            await using var reader = await batch.ExecuteReaderAsync(ct);
            var who = new List<(Guid Id, bool Merged)>();
            while (await reader.ReadAsync(ct))
            {
                who.Add((reader.GetGuid(0), reader.GetBoolean(1)));
            }

            await reader.NextResultAsync(ct);
            var newest = new List<TimelineEntry>(length + 1);
            var withBodies = new Dictionary<Guid, Post>(withPosts);
            while (await reader.ReadAsync(ct))
            {
                var entry = new TimelineEntry(reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2));
                newest.Add(entry);
                if (!reader.IsDBNull(3))
                {
                    withBodies[entry.PostId] = new Post(entry.PostId, entry.AuthorId, reader.GetString(3), entry.CreatedAt,
                        reader.GetInt32(4), reader.GetInt64(5));
                }
            }

            return (who, newest, withBodies);
        });

        _followees = [.. followees.Select(f => f.Id)];
        _merged = [.. followees.Where(f => f.Merged).Select(f => f.Id)];
        _truncated = entries.Count > length;
        _entries.Clear();
        _entries.AddRange(entries.Take(length));
        _posts.Clear();
        _posts.UnionWith(_entries.Select(e => e.PostId));
        _built = true;
        _builtAt = clock.GetUtcNow();
        return posts;
    }

    private Task<List<Post>> ReadOlder(PageCursor? after, int count) =>
        database.ReadAsync("timeline.older", (connection, ct) => Sql.ReadAllAsync(after is { Timestamp: { } at } cursor
            ? Sql.Command(connection, PostSql.TimelineOlder, Sql.Value(Id), Sql.Value(count), Sql.Value(at), Sql.Value(cursor.Id))
            : Sql.Command(connection, PostSql.TimelineNewest, Sql.Value(Id), Sql.Value(count)), PostSql.Read, ct));

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static TimelineEntry EntryOf(Post post) => new(post.Id, post.AuthorId, post.CreatedAt);
}
