namespace Actors.Testing;

/// <summary>Waits for what background work, a restart or a recovery makes true, by reading it again and again.</summary>
public static class Poll
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Reads until <paramref name="done"/> holds of the value read, and answers it; after
    /// <paramref name="timeout"/> (30 s) fails naming <paramref name="what"/> and the last value read.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s: {what} (last read: {value}).");
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; after <paramref name="timeout"/> (30 s) fails naming <paramref name="what"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null) =>
        UntilAsync(condition, () => what, timeout, interval);

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?, TimeSpan?)"/>
    public static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s: {what()}");
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }
}
