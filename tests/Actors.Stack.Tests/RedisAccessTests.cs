using Actors.Stack.Tests.Infrastructure;
using StackExchange.Redis;

namespace Actors.Stack.Tests;

/// <summary>Redis holds the cluster's membership: nobody without the password may read or change it.</summary>
public sealed class RedisAccessTests
{
    [Fact]
    public async Task Redis_refuses_a_client_without_the_password_and_serves_one_with_it()
    {
        var options = ConfigurationOptions.Parse(TestEnvironment.Redis);
        Assert.False(string.IsNullOrEmpty(options.Password), "the test Redis connection string carries no password");

        var anonymous = options.Clone();
        anonymous.User = null;
        anonymous.Password = null;
        anonymous.AbortOnConnectFail = false;
        anonymous.ConnectTimeout = 2000;
        anonymous.SyncTimeout = 2000;
        await using (var stranger = await ConnectionMultiplexer.ConnectAsync(anonymous))
        {
            await Assert.ThrowsAnyAsync<RedisException>(() => stranger.GetDatabase().StringGetAsync("any"));
        }

        var wrong = options.Clone();
        wrong.Password = "not the password";
        wrong.AbortOnConnectFail = false;
        wrong.ConnectTimeout = 2000;
        await using (var guesser = await ConnectionMultiplexer.ConnectAsync(wrong))
        {
            await Assert.ThrowsAnyAsync<RedisException>(() => guesser.GetDatabase().StringGetAsync("any"));
        }

        await using var member = await ConnectionMultiplexer.ConnectAsync(options);
        Assert.True((await member.GetDatabase().PingAsync()) >= TimeSpan.Zero);
    }
}
