using Microsoft.Extensions.Time.Testing;
using PrivateFl.Server.Options;
using PrivateFl.Server.Security;

namespace PrivateFl.Server.Tests;

/// <summary>The byte budget's wait runs on the injected <see cref="TimeProvider"/> (issue 12: TimeProvider everywhere in the server).</summary>
public sealed class CallLimiterFakeClockTests
{
    [Fact]
    public async Task ReserveBytesAsync_BudgetFull_RefusedExactlyWhenTheFakeClockPassesTheWait()
    {
        var time = new FakeTimeProvider();
        var limiter = new CallLimiter(Microsoft.Extensions.Options.Options.Create(new ServerOptions { MaxMessageBytes = 1000, MaxBufferedRequestBytes = 1000 }), time);
        Assert.True(limiter.TryReserveBytes(800));
        TimeSpan wait = TimeSpan.FromSeconds(30);

        Task<bool> waiting = limiter.ReserveBytesAsync(500, wait, CancellationToken.None).AsTask();
        time.Advance(wait - TimeSpan.FromTicks(1));
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        time.Advance(TimeSpan.FromTicks(1));
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(800, limiter.BufferedBytes);
    }
}
