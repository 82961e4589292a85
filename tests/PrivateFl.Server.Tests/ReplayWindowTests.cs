using System.Security.Cryptography;
using FsCheck;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using PrivateFl.Server.Options;
using PrivateFl.Server.Security;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests;

/// <summary>
/// Review of issue 10 (low findings): a nonce recorded under a smaller <c>ClockSkew</c> is still refused after a
/// restart that raised it, and the admin key comparison does not depend on the key's length.
/// </summary>
public sealed class ReplayWindowTests : IDisposable
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"privatefl-replay-{Guid.NewGuid():n}.db");

    /// <summary>
    /// Recorded with a 1-minute window, replayed 90 s later to a server restarted with a 5-minute window (the call's
    /// timestamp is inside the new window): before, the first sweep of the new server deleted the nonce (it expired at
    /// ts + 1 min) and the replay was accepted.
    /// </summary>
    [Fact]
    public async Task TryUse_WindowRaisedAcrossARestart_ReplayInsideTheNewWindowStillRefused()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        byte[] nonce = RandomNumberGenerator.GetBytes(16);
        long timestamp = time.GetUtcNow().ToUnixTimeMilliseconds();
        SqliteFederationStore before = await OpenStoreAsync();
        Assert.True(await new ReplayCache(before, time).TryUseAsync("bank-1", nonce, timestamp, TimeSpan.FromMinutes(1), CancellationToken.None));

        // The restart: a new store and cache on the same file.
        time.Advance(TimeSpan.FromSeconds(90));
        SqliteFederationStore after = await OpenStoreAsync();
        var restarted = new ReplayCache(after, time);

        Assert.False(await restarted.TryUseAsync("bank-1", nonce, timestamp, TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.True(await restarted.TryUseAsync("bank-1", RandomNumberGenerator.GetBytes(16), time.GetUtcNow().ToUnixTimeMilliseconds(), TimeSpan.FromMinutes(5), CancellationToken.None));
    }

    /// <summary>Equal keys match; any other presented key, of any length, does not.</summary>
    [Property(MaxTest = 300)]
    public bool Matches_AnyPresentedKey_OnlyTheConfiguredOne(NonEmptyString configured, string? presented) =>
        AdminKeyCheck.Matches(configured.Get, configured.Get)
        && AdminKeyCheck.Matches(configured.Get, presented ?? string.Empty) == string.Equals(configured.Get, presented ?? string.Empty, StringComparison.Ordinal);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    private async Task<SqliteFederationStore> OpenStoreAsync()
    {
        var store = new SqliteFederationStore(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DatabasePath = _databasePath }));
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }
}
