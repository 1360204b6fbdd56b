using Actors.Grains.Data;
using Actors.Grains.Paging;
using Actors.Grains.Posts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Actors.Grains.Feeds;

/// <summary>
/// One user's home timeline. Holds the newest <see cref="FeedOptions.TimelineLength"/> entries of the
/// people the user follows (post id, author, time: the posts themselves live in their grains), kept
/// current by fan-out. Widely followed authors are not fanned out: their newest posts are merged in
/// from their <see cref="IAuthorPostsGrain"/> when a page is read. A cold, stale (follows changed) or
/// old timeline is rebuilt with one round trip; pages older than memory holds are read with one query.
/// </summary>
public sealed class TimelineGrain(Database database, FeedAssembler assembler, IOptions<FeedOptions> options, TimeProvider clock)
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
            rows = await Rebuild().ConfigureAwait(true);
        }

        var candidates = await Candidates().ConfigureAwait(true);
        var older = after is { } cursor ? candidates.Where(e => EntryOrder.IsAfter(e, cursor)) : candidates;
        var page = older.Take(limit + 1).ToList();
        if (page.Count <= limit && _truncated)
        {
            // Past what memory holds: the page comes from PostgreSQL, posts included.
            var fromDb = await ReadOlder(after, limit + 1).ConfigureAwait(true);
            page = [.. fromDb.Select(FeedRows.EntryOf)];
            rows = fromDb.ToDictionary(p => p.Id);
        }

        var next = page.Count > limit ? EntryOrder.CursorOf(page[limit - 1]) : (PageCursor?)null;
        var shown = page.Count > limit ? page[..limit] : page;
        var (items, gone) = await assembler.AssembleAsync(shown, rows).ConfigureAwait(true);
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

    // What a page is cut from: memory, plus the newest posts of widely followed authors.
    private async Task<IReadOnlyList<TimelineEntry>> Candidates()
    {
        if (_merged.Length == 0)
        {
            return _entries;
        }

        var recent = await Task.WhenAll(_merged.Select(a => GrainFactory.GetGrain<IAuthorPostsGrain>(a).GetRecent().AsTask()))
            .ConfigureAwait(true);
        var all = new List<TimelineEntry>(_entries);
        foreach (var entry in recent.SelectMany(r => r))
        {
            if (!_posts.Contains(entry.PostId))
            {
                all.Add(entry);
            }
        }

        all.Sort(EntryOrder.NewestFirst);
        return all.DistinctBy(e => e.PostId).ToList();
    }

    // One round trip: who the user follows (and who of them is merged at read time) and the newest posts.
    private async Task<Dictionary<Guid, Post>> Rebuild()
    {
        _stale = false;
        var length = _options.TimelineLength;
        var (followees, posts) = await database.ReadAsync("timeline.rebuild", async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(Command(FeedRows.Followees, Sql.Value(Id), Sql.Value(_options.FanOutLimit)));
            batch.BatchCommands.Add(Command(FeedRows.Newest, Sql.Value(Id), Sql.Value(length + 1)));
            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(true);
            var who = new List<(Guid Id, bool Merged)>();
            while (await reader.ReadAsync(ct).ConfigureAwait(true))
            {
                who.Add((reader.GetGuid(0), reader.GetBoolean(1)));
            }

            await reader.NextResultAsync(ct).ConfigureAwait(true);
            var newest = new List<Post>(length + 1);
            while (await reader.ReadAsync(ct).ConfigureAwait(true))
            {
                newest.Add(PostRows.Read(reader));
            }

            return (who, newest);
        }).ConfigureAwait(true);

        _followees = [.. followees.Select(f => f.Id)];
        _merged = [.. followees.Where(f => f.Merged).Select(f => f.Id)];
        _truncated = posts.Count > length;
        var kept = posts.Take(length).ToList();
        _entries.Clear();
        _entries.AddRange(kept.Select(FeedRows.EntryOf));
        _posts.Clear();
        _posts.UnionWith(kept.Select(p => p.Id));
        _built = true;
        _builtAt = clock.GetUtcNow();
        return kept.ToDictionary(p => p.Id);
    }

    private Task<List<Post>> ReadOlder(PageCursor? after, int count) =>
        database.ReadAsync("timeline.older", (connection, ct) => Sql.ReadAllAsync(after is { Timestamp: { } at } cursor
            ? Sql.Command(connection, FeedRows.Older, Sql.Value(Id), Sql.Value(count), Sql.Value(at), Sql.Value(cursor.Id))
            : Sql.Command(connection, FeedRows.Newest, Sql.Value(Id), Sql.Value(count)), PostRows.Read, ct));

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }
}
