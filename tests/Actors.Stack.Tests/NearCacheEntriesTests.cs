using System.Diagnostics.Metrics;
using System.Net;
using Actors.Gateway.Caching;
using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Leases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Actors.Stack.Tests;

/// <summary>The gateway's leased entries on their own: leases, drops and the generation check, with a clock the test moves.</summary>
public sealed class NearCacheEntriesTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static readonly SiloAddress Silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _clock = new();
    private readonly LeasedEntries<string> _entries;
    private int _leases;
    private int _reads;

    // Grantors vouched for far longer than any lease here, unless a test says otherwise.
    public NearCacheEntriesTests() => _entries = Entries(TimeSpan.FromHours(1));

    private LeasedEntries<string> Entries(TimeSpan grantorTrust, Grantors? grantors = null) =>
        new(LeaseKind.User, 100, _clock, new NearCacheMetrics(_services.GetRequiredService<IMeterFactory>()),
            grantors ?? Grantors(grantorTrust));

    private Grantors Grantors(TimeSpan trust) => new(Options.Create(new NearCacheOptions { GrantorTrust = trust }), _clock);

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task An_entry_is_served_without_asking_its_grain_until_the_lease_runs_out_then_it_is_leased_again()
    {
        var id = Guid.NewGuid();
        Assert.Equal("v1", await _entries.GetAsync(id, "v1", Grant, Read));
        Assert.Equal("v1", await _entries.GetAsync(id, "v2", Grant, Read));
        _clock.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.Equal("v1", await _entries.GetAsync(id, "v2", Grant, Read));
        Assert.Equal(1, _leases);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("v2", await _entries.GetAsync(id, "v2", Grant, Read));
        Assert.Equal(2, _leases);
    }

    [Fact]
    public async Task A_dropped_entry_is_leased_again_on_the_next_read()
    {
        var id = Guid.NewGuid();
        await _entries.GetAsync(id, "old", Grant, Read);
        _entries.Drop(id);
        Assert.Equal("new", await _entries.GetAsync(id, "new", Grant, Read));
        Assert.Equal(2, _leases);
    }

    [Fact]
    public async Task A_fill_read_before_a_drop_is_never_installed_after_it()
    {
        var id = Guid.NewGuid();
        // The grain answered "old", then the value changed and the drop overtook the answer.
        var first = await _entries.GetAsync(id, "old", (value, key) =>
        {
            _leases++;
            _entries.Drop(key);
            return ValueTask.FromResult(new Leased<string>(value, Lease, Silo));
        }, Read);
        Assert.Equal("old", first); // this read started before the change: it may answer the old value

        Assert.Equal("new", await _entries.GetAsync(id, "new", Grant, Read));
        Assert.Equal(2, _leases);
    }

    [Fact]
    public async Task A_value_without_a_lease_or_no_value_is_not_kept()
    {
        var id = Guid.NewGuid();
        await _entries.GetAsync(id, "untrusted", (value, _) =>
        {
            _leases++;
            return ValueTask.FromResult(new Leased<string>(value, TimeSpan.Zero, Silo));
        }, Read);
        Assert.Null(await _entries.GetAsync(id, (string?)null, (value, _) =>
        {
            _leases++;
            return ValueTask.FromResult(new Leased<string>(value, Lease, Silo));
        }, Read));
        Assert.Equal("v", await _entries.GetAsync(id, "v", Grant, Read));
        Assert.Equal(3, _leases);
    }

    [Fact]
    public async Task An_entry_is_served_only_while_the_silo_that_granted_it_is_vouched_for()
    {
        var entries = Entries(TimeSpan.FromSeconds(1));
        var id = Guid.NewGuid();
        await entries.GetAsync(id, "v1", Grant, Read);
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal("v1", await entries.GetAsync(id, "v2", Grant, Read));
        Assert.Equal(1, _leases);

        // The grantor has not answered for the trust period (killed, frozen or cut off): its lease,
        // though it runs for 29 s more, is not served; the grain is asked.
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("v2", await entries.GetAsync(id, "v2", Grant, Read));
        Assert.Equal(2, _leases);
    }

    [Fact]
    public async Task Once_its_grantor_could_not_tell_this_gateway_of_a_change_nothing_it_granted_is_served()
    {
        var grantors = Grantors(TimeSpan.FromHours(1));
        var entries = Entries(TimeSpan.Zero, grantors);
        var id = Guid.NewGuid();
        await entries.GetAsync(id, "old", Grant, Read);
        grantors.Reset(grantors.Known.Single(), missed: 1);
        Assert.Equal("new", await entries.GetAsync(id, "new", Grant, Read));
        Assert.Equal(2, _leases);
    }

    [Fact]
    public async Task A_fill_answered_across_its_grantors_reset_is_not_kept()
    {
        var grantors = Grantors(TimeSpan.FromHours(1));
        var entries = Entries(TimeSpan.Zero, grantors);
        await entries.GetAsync(Guid.NewGuid(), "other", Grant, Read);
        var id = Guid.NewGuid();
        await entries.GetAsync(id, "old", (value, _) =>
        {
            _leases++;
            grantors.Reset(grantors.Known.Single(), missed: 1);
            return ValueTask.FromResult(new Leased<string>(value, Lease, Silo));
        }, Read);
        Assert.Equal("new", await entries.GetAsync(id, "new", Grant, Read));
        Assert.Equal(3, _leases);
    }

    [Fact]
    public async Task A_lease_that_names_no_grantor_is_not_kept()
    {
        var id = Guid.NewGuid();
        await _entries.GetAsync(id, "v", (value, _) =>
        {
            _leases++;
            return ValueTask.FromResult(new Leased<string>(value, Lease));
        }, Read);
        await _entries.GetAsync(id, "v", Grant, Read);
        Assert.Equal(2, _leases);
    }

    [Fact]
    public async Task The_least_recently_used_entries_go_first_when_the_capacity_is_reached()
    {
        var ids = Enumerable.Range(0, 300).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            await _entries.GetAsync(id, "v", Grant, Read);
        }

        _leases = 0;
        foreach (var id in ids)
        {
            await _entries.GetAsync(id, "v", Grant, Read);
        }

        // At most the capacity (100) of the 300 were still held.
        Assert.InRange(_leases, 200, 300);
    }

    [Fact]
    public async Task A_key_not_admitted_is_read_without_a_lease_and_kept_only_once_a_second_read_admits_it()
    {
        var entries = new LeasedEntries<string>(LeaseKind.Post, 100, _clock, new NearCacheMetrics(_services.GetRequiredService<IMeterFactory>()),
            Grantors(TimeSpan.FromHours(1)), new Admission(TimeSpan.FromMinutes(1), 1_024, _clock));
        var id = Guid.NewGuid();

        Assert.Equal("v1", await entries.GetAsync(id, "v1", Grant, Read));
        Assert.Equal((0, 1), (_leases, _reads));

        // Not kept: the next read asks again, and now leases.
        Assert.Equal("v2", await entries.GetAsync(id, "v2", Grant, Read));
        Assert.Equal((1, 1), (_leases, _reads));

        // Held: served with no call at all.
        Assert.Equal("v2", await entries.GetAsync(id, "v3", Grant, Read));
        Assert.Equal((1, 1), (_leases, _reads));
    }

    [Fact]
    public async Task While_the_database_is_away_a_key_not_admitted_is_asked_of_its_grain_which_may_hold_it()
    {
        var entries = new LeasedEntries<string>(LeaseKind.User, 100, _clock, new NearCacheMetrics(_services.GetRequiredService<IMeterFactory>()),
            Grantors(TimeSpan.FromHours(1)), new Admission(TimeSpan.FromMinutes(1), 1_024, _clock));

        Assert.Equal("in memory", await entries.GetAsync(Guid.NewGuid(), "in memory", Grant,
            (_, _) => throw new StoreUnavailableException("PostgreSQL is away.")));
        Assert.Equal(1, _leases);
    }

    private ValueTask<Leased<string>> Grant(string? value, Guid id)
    {
        _leases++;
        return ValueTask.FromResult(new Leased<string>(value, Lease, Silo));
    }

    private ValueTask<string?> Read(string? value, Guid id)
    {
        _reads++;
        return ValueTask.FromResult(value);
    }
}
