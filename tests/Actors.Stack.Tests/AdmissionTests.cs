using Actors.Gateway.Caching;
using Microsoft.Extensions.Time.Testing;

namespace Actors.Stack.Tests;

/// <summary>The gateway's admission of keys to activation on its own, with a clock the test moves.</summary>
public sealed class AdmissionTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_key_is_admitted_on_its_second_read_and_from_then_on()
    {
        var admission = new Admission(Window, 1_024, _clock);
        var id = Guid.NewGuid();
        Assert.False(admission.Admit(id));
        Assert.True(admission.Admit(id));
        Assert.True(admission.Admit(id));
    }

    [Fact]
    public void A_read_is_remembered_for_at_least_one_window_and_at_most_two()
    {
        var admission = new Admission(Window, 1_024, _clock);
        var early = Guid.NewGuid();
        var late = Guid.NewGuid();
        Assert.False(admission.Admit(early));
        _clock.Advance(Window - TimeSpan.FromSeconds(1));
        Assert.False(admission.Admit(late));

        // The window turned: both are in the previous generation.
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(admission.Admit(early));

        // It turned again: the first read of "late" is forgotten, the second read of "early" is remembered.
        _clock.Advance(Window);
        Assert.False(admission.Admit(late));
        Assert.True(admission.Admit(early));
    }

    [Fact]
    public void More_first_reads_than_a_generation_holds_end_the_window_early()
    {
        const int keys = 1_024;
        var admission = new Admission(Window, keys, _clock);
        var first = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToList();
        first.ForEach(id => Assert.False(admission.Admit(id)));
        for (var i = 0; i < 2 * keys; i++)
        {
            admission.Admit(Guid.NewGuid());
        }

        // Two generations of other first reads later, with no time passed, the first ones are forgotten.
        // A Bloom filter may still pass a few it has not seen (about 1 in 100 with both generations full).
        var remembered = first.Count(admission.Admit);
        Assert.True(remembered <= 10, $"{remembered} of 100 reads were still remembered");
    }

    [Fact]
    public void One_time_reads_of_a_hundred_thousand_keys_admit_almost_none()
    {
        var admission = new Admission(Window, new NearCacheOptions().AdmissionKeys, _clock);
        var admitted = 0;
        for (var i = 0; i < 100_000; i++)
        {
            admitted += admission.Admit(Guid.CreateVersion7()) ? 1 : 0;
        }

        Assert.True(admitted < 1_000, $"{admitted} of 100,000 keys read once were admitted");
    }
}
