using Actors.Grains.Abstractions.Feeds;
using Actors.Grains.Abstractions.Paging;
using Actors.Grains.Data;
using Actors.Grains.Posts;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Feeds.Timelines;

/// <summary>
/// The newest posts of one widely followed author, for timelines to merge in at read time. Loaded with
/// one query on posts_author_recent_idx; fan-out keeps it current while it is active.
/// </summary>
public sealed class AuthorPostsGrain(Database database, IOptions<FeedOptions> options) : Grain, IAuthorPostsGrain
{
    private readonly int _length = options.Value.TimelineLength;
    private List<TimelineEntry>? _entries;

    private Guid Id => this.GetPrimaryKey();

    public async ValueTask<IReadOnlyList<TimelineEntry>> GetRecent(PageCursor? after, int count)
    {
        var entries = await Entries();
        return after is { } cursor
            ? [.. entries.Where(e => EntryOrder.IsAfter(e, cursor)).Take(count)]
            : [.. entries.Take(count)];
    }

    public async ValueTask Add(TimelineEntry entry)
    {
        // A fresh load already sees the committed post; adding is idempotent either way.
        var entries = await Entries();
        if (entry.AuthorId != Id || entries.Exists(e => e.PostId == entry.PostId))
        {
            return;
        }

        var at = entries.BinarySearch(entry, EntryOrder.NewestFirst);
        entries.Insert(at < 0 ? ~at : at, entry);
        if (entries.Count > _length)
        {
            entries.RemoveAt(entries.Count - 1);
        }
    }

    public ValueTask Remove(Guid postId)
    {
        if (_entries is null)
        {
            // Never loaded: nothing to correct, and nothing worth keeping in memory.
            DeactivateOnIdle();
        }
        else
        {
            _entries.RemoveAll(e => e.PostId == postId);
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask<List<TimelineEntry>> Entries() =>
        _entries ??= await database.ReadAsync("author-posts.load", (connection, ct) =>
            Sql.ReadAllAsync(Sql.Command(connection, PostSql.NewestEntriesOfAuthor, Sql.Value(Id), Sql.Value(_length)),
                r => new TimelineEntry(r.GetGuid(0), r.GetGuid(1), r.GetFieldValue<DateTimeOffset>(2)), ct));
}
