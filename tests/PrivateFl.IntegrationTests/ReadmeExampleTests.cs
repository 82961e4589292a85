using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.IntegrationTests;

/// <summary>
/// The README's "Embedding the SDK" program, run as written against a real server with two peer banks: a trained
/// report and a prediction, then, once the session has ended, the zero-round answer and exit code 1.
/// </summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task ReadmeEmbeddingExample_RunsAsWritten()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey enrolled = await server.EnrollAsync("bank-01");
        await server.EnrollAsync("bank-2");
        await server.EnrollAsync("bank-3");
        // A session id of its own: the program keeps its ledger under ./ledgers, which outlives this test.
        string sessionId = $"readme-{Guid.NewGuid():n}";
        await server.CreateCreditSessionAsync(sessionId, clients: 3, rounds: 1);
        Directory.CreateDirectory(server.LedgerDirectory);
        string keyFile = Path.Combine(server.LedgerDirectory, "bank-01.key");
        byte[] identityKeyBytes = new byte[32];
        enrolled.ExportPrivateKey(identityKeyBytes);
        File.WriteAllText(keyFile, Convert.ToBase64String(identityKeyBytes));   // as `privatefl enrol` writes it
        string customersCsv = Path.Combine(server.LedgerDirectory, "customers.csv");
        File.WriteAllLines(customersCsv, File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "german_credit_data.csv")).Take(400));
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        using FederatedClient peer2 = server.Client("bank-2");
        using FederatedClient peer3 = server.Client("bank-3");
        Task<TrainingReport[]> peers = Task.WhenAll(peer2.TrainAsync(sessionId, banks[1]), peer3.TrainAsync(sessionId, banks[2]));
        Environment.SetEnvironmentVariable("PRIVATEFL_SERVER", server.Address.ToString());
        var output = new StringWriter();
        Console.SetOut(output);
        string[] args = [sessionId, "bank-01", keyFile, customersCsv];
        int trained, again;
        string afterTraining, afterEnd;
        try
        {
            trained = await BankApp(args);
            afterTraining = output.ToString();
            again = await BankApp(args);
            afterEnd = output.ToString()[afterTraining.Length..];
        }
        finally
        {
            Console.SetOut(new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true });
            Environment.SetEnvironmentVariable("PRIVATEFL_SERVER", null);
            File.Delete(Path.Combine("ledgers", "bank-01", $"{sessionId}.privacy-ledger.json"));
        }

        await peers;
        Assert.Equal(0, trained);
        Assert.Contains("bank-01: rounds trained 1, lost 0; model version 1", afterTraining, StringComparison.Ordinal);
        Assert.Matches(@"bank-01: (good|bad): .* risk, score \d+", afterTraining);
        Assert.Equal(1, again);
        Assert.Contains("bank-01: No round was trained", afterEnd, StringComparison.Ordinal);
        Assert.DoesNotContain("rounds trained", afterEnd, StringComparison.Ordinal);
    }

    /// <summary>The README's Program.cs after its <c>using</c>, as written (top-level statements as a method).</summary>
    private static async Task<int> BankApp(string[] args)
    {
        // ---- The README example, as written. ----
        // dotnet run -- <session> <bank id> <identity key file> <customers.csv>, with PRIVATEFL_SERVER and PRIVATEFL_CA_FILE
        // read as the CLI reads them.
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: bank-app <session> <bank id> <identity key file> <customers.csv>");
            return 2;
        }

        string sessionId = args[0], bankId = args[1], keyFile = args[2], customersCsv = args[3];
        using var client = new FederatedClient(new FederatedClientOptions
        {
            ServerAddress = new Uri(Environment.GetEnvironmentVariable("PRIVATEFL_SERVER") ?? "http://127.0.0.1:5080"),
            ClientId = bankId,                                  // the id the operator enrolled
            IdentityKeyFile = keyFile,                          // the private key `privatefl enrol` wrote (0600)
            MaxEpsilon = 2,                                     // this bank's own budget, enforced whatever the server says
            LedgerDirectory = Path.Combine("ledgers", bankId),  // where the bank keeps its own privacy ledger
            TrustedCaFile = Environment.GetEnvironmentVariable("PRIVATEFL_CA_FILE") ?? "",  // e.g. a self-signed certificate
        });

        CreditDataset data = DatasetLoader.LoadCsv(customersCsv, CreditSchemas.GermanCredit);
        TrainingReport report = await client.TrainAsync(sessionId, data,
            new Progress<TrainingProgress>(p => Console.WriteLine($"{bankId}: {p.Message}")));
        if (report.TrainedNoRounds)
        {
            // The session had ended or spent its budget, every round dropped this bank, or its own budget or terms refused.
            Console.WriteLine($"{bankId}: {report.StopMessage}");
            return 1;
        }

        Console.WriteLine($"{bankId}: rounds trained {report.RoundsParticipated}, lost {report.RoundsLost}; model version " +
            $"{report.ModelVersion}, local ROC AUC {report.LocalRocAuc:F3}, ε spent {report.EpsilonSpent:F3} (δ = {report.Delta:G2}), " +
            $"by this bank's own ledger {report.LocalEpsilonSpent:F3}. {report.StopMessage}");

        GlobalModel model = await client.GetGlobalModelAsync(sessionId);
        CreditPrediction prediction = model.CreatePredictor(CreditSchemas.GermanCredit).Predict(new CreditApplicant
        {
            Age = 35, Sex = "female", Job = 2, Housing = "own", CreditAmount = 2500, Duration = 24, Purpose = "car",
        });
        Console.WriteLine($"{bankId}: {prediction.Label}: {prediction.ProbabilityOfDefault:P1} risk, score {prediction.Score:F0}");
        return 0;
        // ---- End of the example. ----
    }
}
