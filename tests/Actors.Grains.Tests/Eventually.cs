namespace Actors.Grains.Tests;

/// <summary>Waits for a condition that background work (fan-out, refresh, collection) makes true.</summary>
internal static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(50);
        }
    }
}
