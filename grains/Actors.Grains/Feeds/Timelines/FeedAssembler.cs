using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Feeds;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Actors.Grains.Copies;
using Actors.Grains.Data;
using Actors.Grains.Posts;
using Actors.Grains.Users;

namespace Actors.Grains.Feeds.Timelines;

/// <summary>
/// Turns timeline entries into posts with their authors, without N+1 queries: every post and author
/// grain is asked for what it already holds (no query), the misses of each kind are read with one
/// batch query, and those rows are handed to their grains so the next page finds them hot. A page
/// therefore costs no round trip when hot and at most one for posts plus one for authors when cold.
/// Posts and authors another page showed lately come from the silo's copies (<see cref="PostCopies"/>,
/// <see cref="AuthorCopies"/>) without a call. Runs inside the calling grain's turn (awaits resume on
/// its scheduler).
/// </summary>
public sealed class FeedAssembler(GrainHandles<IPostGrain> postGrains, GrainHandles<IUserGrain> userGrains, Database database,
    PostCopies postCopies, AuthorCopies authorCopies)
{
    /// <param name="entries">Newest first; the items keep this order.</param>
    /// <param name="rows">Posts the caller has just read from PostgreSQL, to prime instead of asking again.</param>
    /// <returns>The items, and the entries whose post no longer exists.</returns>
    public async Task<(List<FeedItem> Items, List<Guid> Gone)> AssembleAsync(
        IReadOnlyList<TimelineEntry> entries, IReadOnlyDictionary<Guid, Post>? rows = null)
    {
        var postGeneration = postCopies.Generation;
        var postCopied = new bool[entries.Count];
        var posts = await Task.WhenAll(entries.Select((e, i) =>
            rows is not null && rows.TryGetValue(e.PostId, out var row) ? PrimePost(row)
            : (postCopied[i] = postCopies.TryGet(e.PostId, out var copy)) ? Task.FromResult(new Cached<Post>(true, copy))
            : postGrains.Get(e.PostId).Peek().AsTask()));
        await LoadMissing(posts, entries.Select(e => e.PostId).ToArray(), "feed.posts", PostSql.ByIds, PostSql.Read, row => row.Id,
            row => postGrains.Get(row.Id).Prime(row));
        KeepCopies(postCopies, posts, postCopied, postGeneration, post => post.Id);

        var authorIds = posts.Where(p => p.Value is not null).Select(p => p.Value!.AuthorId).Distinct().ToArray();
        var authorGeneration = authorCopies.Generation;
        var authorCopied = new bool[authorIds.Length];
        var authors = await Task.WhenAll(authorIds.Select((id, i) =>
            (authorCopied[i] = authorCopies.TryGet(id, out var copy)) ? Task.FromResult(new Cached<AuthorSummary>(true, copy))
            : userGrains.Get(id).PeekAuthor().AsTask()));
        await LoadMissing(authors, authorIds, "feed.authors", UserSql.ByIds, UserSql.Read, row => row.Id,
            row => userGrains.Get(row.Id).Prime(row));
        KeepCopies(authorCopies, authors, authorCopied, authorGeneration, author => author.Id);
        var byId = new Dictionary<Guid, AuthorSummary>(authorIds.Length);
        foreach (var author in authors)
        {
            if (author.Value is { } summary)
            {
                byId[summary.Id] = summary;
            }
        }

        var items = new List<FeedItem>(entries.Count);
        var gone = new List<Guid>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (posts[i].Value is { } post && byId.TryGetValue(post.AuthorId, out var author))
            {
                items.Add(new FeedItem(post, author));
            }
            else
            {
                gone.Add(entries[i].PostId);
            }
        }

        return (items, gone);
    }

    // Only what came from a grain is kept: renewing a reused copy would let it outlive its bound.
    private static void KeepCopies<T>(CopyCache<T> copies, Cached<T>[] slots, bool[] copied, long generation, Func<T, Guid> idOf)
        where T : class
    {
        for (var i = 0; i < slots.Length; i++)
        {
            if (!copied[i] && slots[i].Value is { } fresh)
            {
                copies.Keep(idOf(fresh), fresh, generation);
            }
        }
    }

    private async Task<Cached<Post>> PrimePost(Post row) =>
        new(true, await postGrains.Get(row.Id).Prime(row));

    // Fills in place every slot whose grain did not hold its row: one query for all of them, then each
    // row primed into its grain (which answers what it holds, a row it wrote meanwhile included).
    private async Task LoadMissing<TRow, TValue>(
        Cached<TValue>[] slots, Guid[] ids, string operation, string sql,
        Func<Npgsql.NpgsqlDataReader, TRow> read, Func<TRow, Guid> idOf, Func<TRow, ValueTask<TValue?>> prime)
        where TRow : class
        where TValue : class
    {
        var missing = Enumerable.Range(0, slots.Length).Where(i => !slots[i].Held).ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        var wanted = missing.Select(i => ids[i]).Distinct().ToArray();
        var found = await database.ReadAsync(operation, (connection, ct) =>
            Sql.ReadAllAsync(Sql.Command(connection, sql, Sql.Value(wanted)), read, ct));
        var primed = await Task.WhenAll(found.Select(row => prime(row).AsTask()));
        var byIndex = new Dictionary<Guid, TValue?>(found.Count);
        for (var i = 0; i < found.Count; i++)
        {
            byIndex[idOf(found[i])] = primed[i];
        }

        foreach (var i in missing)
        {
            slots[i] = new Cached<TValue>(true, byIndex.GetValueOrDefault(ids[i]));
        }
    }
}
