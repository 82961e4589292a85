using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.IntegrationTests.Claims;

/// <summary>
/// privacy.md §4: a bank "refuses the round … if δ exceeds MaxDelta (default 10^−5), whatever the server's budget".
/// </summary>
public sealed class BankDeltaFloorClaimsTests
{
    [Fact]
    public async Task TrainAsync_SessionDeltaAboveTheBanksMaxDelta_EveryDefaultBankRefusesAndLooserBanksTrain()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        SigningKey[] keys = [await server.EnrollAsync(ids[0]), await server.EnrollAsync(ids[1]), await server.EnrollAsync(ids[2])];
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(ids.Length);
        await server.CreateDpSessionAsync("loose-delta", ids.Length, 1, epsilonBudget: 10, noiseMultiplier: 3, delta: 1e-4);

        FederatedClient[] strict = [.. ids.Select((id, i) => Bank(server, id, keys[i], maxDelta: null))];
        TrainingReport[] refused;
        try
        {
            refused = await Task.WhenAll(strict.Select((c, i) => c.TrainAsync("loose-delta", banks[i]))).WaitAsync(TimeSpan.FromMinutes(2));
        }
        finally
        {
            Array.ForEach(strict, c => c.Dispose());
        }

        FederatedClient[] loose = [.. ids.Select((id, i) => Bank(server, id, keys[i], maxDelta: 1e-3))];
        TrainingReport[] trained;
        try
        {
            trained = await Task.WhenAll(loose.Select((c, i) => c.TrainAsync("loose-delta", banks[i]))).WaitAsync(TimeSpan.FromMinutes(2));
        }
        finally
        {
            Array.ForEach(loose, c => c.Dispose());
        }

        Assert.All(refused, r =>
        {
            Assert.Equal(0, r.RoundsParticipated);
            Assert.Equal(TrainingStopReason.PrivacyTermsRefused, r.StopReason);
            Assert.Contains("accepts δ ≤ 1E-05", r.StopMessage, StringComparison.Ordinal);
        });
        Assert.All(trained, r => Assert.Equal(1, r.RoundsParticipated));
    }

    private static FederatedClient Bank(InProcessServer server, string id, SigningKey key, double? maxDelta)
    {
        var options = new FederatedClientOptions { ServerAddress = server.Address, ClientId = id, TrainingSeed = 7, MaxRetries = 2, LedgerDirectory = Path.Combine(server.LedgerDirectory, id) };
        if (maxDelta is double looser)
        {
            options.MaxDelta = looser;
        }

        return new FederatedClient(options, key);
    }
}
