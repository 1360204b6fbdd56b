namespace Actors.Grains.Data;

internal static class Time
{
    /// <summary>
    /// Now, truncated to PostgreSQL's microsecond resolution, so the value a grain keeps in memory is
    /// exactly the value the row holds (and cursors built from either agree).
    /// </summary>
    public static DateTimeOffset Now(TimeProvider clock)
    {
        var ticks = clock.GetUtcNow().UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }
}
