using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.ClientSdk.Tests;

/// <summary>The bank's own ledger accounts with the same analysis as the server's budget, and survives restarts.</summary>
public sealed class LocalPrivacyLedgerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"privatefl-ledger-test-{Guid.NewGuid():n}");

    [Fact]
    public void EpsilonWith_SubsampledRounds_IsTheDistributedDiscreteGaussianAccount()
    {
        var round = new DdgRound(0.1, 1.5, DistributedNoise.Discreteness(4108, 36, 10));
        var ledger = new LocalPrivacyLedger(_directory, "s");
        for (int r = 1; r <= 20; r++)
        {
            ledger.Record(LocalPrivacyLedger.Entry.For(r, round, 1e-5, 0));
        }

        double epsilon = new LocalPrivacyLedger(_directory, "s").EpsilonWith(round, 1e-5);

        Assert.Equal(DdgAccountant.Epsilon(round, 21, 1e-5), epsilon, 9);
        Assert.True(epsilon > RdpAccountant.Epsilon(0.1, 1.5, 21, 1e-5));
    }

    [Fact]
    public void Constructor_LedgerWrittenBeforeDiscretenessWasRecorded_AccountsItsRoundsWithoutIt()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(
            Path.Combine(_directory, "old.privacy-ledger.json"),
            """[{"roundNumber":1,"samplingRate":0.2,"noiseMultiplier":2,"delta":1e-5,"recordedUnixMs":5},{"roundNumber":2,"samplingRate":1,"noiseMultiplier":2,"delta":1e-5,"recordedUnixMs":6}]""");

        var ledger = new LocalPrivacyLedger(_directory, "old");

        Assert.Equal(new DdgRound(0.2, 2, new DdgDiscreteness(0, 0, 1)), ledger.Entries[0].Round);
        Assert.Equal(DdgAccountant.Epsilon([new DdgRound(0.2, 2, DdgDiscreteness.None), new DdgRound(1, 2, DdgDiscreteness.None)], 1e-5), ledger.EpsilonWith(null, 1e-5));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
