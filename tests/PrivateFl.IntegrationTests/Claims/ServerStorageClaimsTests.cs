using System.Text;
using PrivateFl.ClientSdk;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests.Claims;

/// <summary>
/// SECURITY.md, "What the server stores": "It never stores or logs a bank's input, masked input, key, share or seed:
/// those live in memory for the round's lifetime", and "secrets never reach logs" for the banks too.
/// </summary>
public sealed class ServerStorageClaimsTests
{
    [Fact]
    public async Task ActiveRounds_EveryLogLevel_NoMaskedInputShareSaltOrPointInTheDatabaseOrAnyLog()
    {
        await using CapturingServer server = await CapturingServer.StartAsync();
        string[] ids = ["bank-1", "bank-2", "bank-3", "bank-4"];
        await server.EnrollAllAsync(ids);
        byte[] enrolledKey = server.Identity("bank-1").PublicKey.ToArray();
        await server.Admin.CreateSessionAsync(
            InProcessServer.CreditSessionRequest(
                "claims",
                ids.Length,
                2,
                new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 2, LearningRate = 0.5, BatchSize = 10_000, ClipNorm = 5, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
                new PrivacySettings { Mode = DpMode.None },
                SecAggMode.Active),
            CapturingServer.AdminCall());
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(ids.Length);
        FederatedClient[] clients = [.. ids.Select(server.Client)];
        try
        {
            TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("claims", banks[i]))).WaitAsync(TimeSpan.FromMinutes(3));
            Assert.All(reports, r => Assert.Equal(2, r.RoundsParticipated));
        }
        finally
        {
            foreach (FederatedClient client in clients)
            {
                client.Dispose();
            }
        }

        await server.StopAsync();

        Assert.Contains(server.Captured, c => c.Kind == "masked input");
        Assert.Contains(server.Captured, c => c.Kind == "encrypted share");
        Assert.Contains(server.Captured, c => c.Kind == "revealed share");
        byte[] stored = [.. ReadShared(server.DatabasePath), .. ReadShared(server.DatabasePath + "-wal")];
        string storedText = Encoding.Latin1.GetString(stored);
        string logText = string.Join('\n', server.Logs.Lines);
        Assert.NotEmpty(server.Logs.Lines);

        // Positive control: the scan finds what the server does store (an enrolled identity key).
        Assert.True(stored.AsSpan().IndexOf(enrolledKey) >= 0 || storedText.Contains(Convert.ToHexString(enrolledKey), StringComparison.OrdinalIgnoreCase) || storedText.Contains(Convert.ToBase64String(enrolledKey), StringComparison.Ordinal));
        foreach ((string kind, byte[] secret) in server.Captured)
        {
            foreach (byte[] window in Windows(secret))
            {
                Assert.True(stored.AsSpan().IndexOf(window) < 0, $"a {kind} is stored in the database");
                foreach (string spelling in Spellings(window))
                {
                    Assert.False(storedText.Contains(spelling, StringComparison.Ordinal), $"a {kind} is stored in the database as text");
                    Assert.False(logText.Contains(spelling, StringComparison.Ordinal), $"a {kind} reached a log");
                }
            }

            Assert.False(logText.Contains(Convert.ToBase64String(secret), StringComparison.Ordinal), $"a {kind} reached a log in base64");
        }
    }

    /// <summary>Every aligned 16-byte window and the last one: 128 random bits match by chance with probability 2^−128.</summary>
    private static IEnumerable<byte[]> Windows(byte[] secret)
    {
        for (int at = 0; at + 16 <= secret.Length; at += 16)
        {
            yield return secret[at..(at + 16)];
        }

        yield return secret[^16..];
    }

    private static IEnumerable<string> Spellings(byte[] window)
    {
        string hex = Convert.ToHexString(window);
        yield return hex;
        yield return hex.ToLowerInvariant();
    }

    private static byte[] ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
