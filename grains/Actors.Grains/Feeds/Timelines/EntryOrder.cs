using Actors.Grains.Abstractions.Feeds;
using Actors.Grains.Abstractions.Paging;

namespace Actors.Grains.Feeds.Timelines;

/// <summary>
/// Newest first by (CreatedAt, PostId), with ids compared as PostgreSQL compares uuids (byte by byte),
/// so a keyset cursor means the same position in memory and in SQL.
/// </summary>
internal sealed class EntryOrder : IComparer<TimelineEntry>
{
    public static readonly EntryOrder NewestFirst = new();

    public int Compare(TimelineEntry? x, TimelineEntry? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return -Key(x.CreatedAt, x.PostId, y.CreatedAt, y.PostId);
    }

    /// <summary>True when the entry comes after the cursor's position (is older).</summary>
    public static bool IsAfter(TimelineEntry entry, PageCursor cursor) =>
        Key(entry.CreatedAt, entry.PostId, cursor.Timestamp ?? DateTimeOffset.MaxValue, cursor.Id) < 0;

    public static PageCursor CursorOf(TimelineEntry entry) => new(entry.CreatedAt, entry.PostId);

    // Ascending comparison of (time, id).
    private static int Key(DateTimeOffset t1, Guid id1, DateTimeOffset t2, Guid id2)
    {
        var byTime = t1.UtcTicks.CompareTo(t2.UtcTicks);
        if (byTime != 0)
        {
            return byTime;
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        id1.TryWriteBytes(a, bigEndian: true, out _);
        id2.TryWriteBytes(b, bigEndian: true, out _);
        return a.SequenceCompareTo(b);
    }
}
