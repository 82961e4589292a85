using PrivateFl.Server.Options;
using PrivateFl.Server.Security;

namespace PrivateFl.Server.Tests;

/// <summary>
/// The request-byte budget queues a burst instead of refusing it (specs/api.md, Limits: MaxBufferedRequestWait): at
/// 500 banks with d = 10^5 every masked input arrives at once (200 MB against a 128 MiB budget), and refusing the
/// overflow dropped 49 honest banks from an end-to-end round (docs/benchmarks.md).
/// </summary>
public sealed class CallLimiterByteBudgetTests
{
    private static CallLimiter Limiter(long budget) =>
        new(Microsoft.Extensions.Options.Options.Create(new ServerOptions { MaxMessageBytes = (int)budget, MaxBufferedRequestBytes = budget }));

    [Fact]
    public async Task ReserveBytesAsync_BudgetFullThenReturned_TheWaitingCallGetsItsBytes()
    {
        CallLimiter limiter = Limiter(1000);
        Assert.True(limiter.TryReserveBytes(800));

        ValueTask<bool> waiting = limiter.ReserveBytesAsync(500, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        limiter.ReleaseBytes(800);

        Assert.True(await waiting);
        Assert.Equal(500, limiter.BufferedBytes);
    }

    [Fact]
    public async Task ReserveBytesAsync_NothingReturnedWithinTheWait_Refused()
    {
        CallLimiter limiter = Limiter(1000);
        Assert.True(limiter.TryReserveBytes(800));

        Assert.False(await limiter.ReserveBytesAsync(500, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        Assert.Equal(800, limiter.BufferedBytes);
    }

    [Fact]
    public async Task ReserveBytesAsync_MoreThanTheWholeBudget_RefusedWithoutWaiting()
    {
        CallLimiter limiter = Limiter(1000);

        Assert.False(await limiter.ReserveBytesAsync(1001, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal(0, limiter.BufferedBytes);
    }

    [Fact]
    public async Task ReserveBytesAsync_ManyWaitersAndReleases_NeverHoldsMoreThanTheBudgetAndAllGetThrough()
    {
        const long budget = 1000;
        CallLimiter limiter = Limiter(budget);
        long peak = 0;
        async Task<bool> CallAsync()
        {
            if (!await limiter.ReserveBytesAsync(300, TimeSpan.FromSeconds(30), CancellationToken.None))
            {
                return false;
            }

            long held = limiter.BufferedBytes;
            InterlockedMax(ref peak, held);
            await Task.Yield();
            limiter.ReleaseBytes(300);
            return true;
        }

        bool[] results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(CallAsync)));

        Assert.All(results, Assert.True);
        Assert.True(Interlocked.Read(ref peak) <= budget, $"peak {peak} > budget {budget}");
        Assert.Equal(0, limiter.BufferedBytes);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current = Interlocked.Read(ref target);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
