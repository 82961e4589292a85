using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.IntegrationTests;

/// <summary>The README's "Embedding the SDK" example, compiled and run against a real server with two peer banks.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task ReadmeEmbeddingExample_RunsAsWritten()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey enrolled = await server.EnrollAsync("bank-01");
        await server.EnrollAsync("bank-2");
        await server.EnrollAsync("bank-3");
        await server.CreateCreditSessionAsync("german-credit", clients: 3, rounds: 1);
        byte[] identityKeyBytes = new byte[32];
        enrolled.ExportPrivateKey(identityKeyBytes);
        Uri serverAddress = server.Address;
        string customersCsvPath = Path.Combine(server.LedgerDirectory, "customers.csv");
        string ledgerDirectory = Path.Combine(server.LedgerDirectory, "bank-01");
        Directory.CreateDirectory(server.LedgerDirectory);
        File.WriteAllLines(customersCsvPath, File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "german_credit_data.csv")).Take(400));
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        using FederatedClient peer2 = server.Client("bank-2");
        using FederatedClient peer3 = server.Client("bank-3");
        Task<TrainingReport[]> peers = Task.WhenAll(peer2.TrainAsync("german-credit", banks[1]), peer3.TrainAsync("german-credit", banks[2]));
        var output = new StringWriter();
        Console.SetOut(output);

        // ---- The README example, as written. ----
        using SigningKey identity = SigningKey.Import(identityKeyBytes);   // the key the operator enrolled
        using var client = new FederatedClient(new FederatedClientOptions
        {
            ServerAddress = serverAddress,       // https:// except on loopback
            ClientId = "bank-01",
            MaxEpsilon = 2,                      // this bank's own budget, enforced whatever the server says
            LedgerDirectory = ledgerDirectory,   // where the bank keeps its own privacy ledger
        }, identity);

        CreditDataset data = DatasetLoader.LoadCsv(customersCsvPath, CreditSchemas.GermanCredit);
        TrainingReport report = await client.TrainAsync("german-credit", data,
            new Progress<TrainingProgress>(p => Console.WriteLine(p.Message)));

        GlobalModel model = await client.GetGlobalModelAsync("german-credit");
        CreditPrediction prediction = model.CreatePredictor(CreditSchemas.GermanCredit).Predict(new CreditApplicant
        {
            Age = 35, Sex = "female", Job = 2, Housing = "own", CreditAmount = 2500, Duration = 24, Purpose = "car",
        });
        Console.WriteLine($"{prediction.Label}: {prediction.ProbabilityOfDefault:P1} risk, score {prediction.Score:F0}");
        // ---- End of the example. ----

        Console.SetOut(new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true });
        await peers;
        Assert.Equal(1, report.RoundsParticipated);
        Assert.Equal(1, model.Version);
        Assert.Contains(prediction.Label, new[] { "good", "bad" });
        Assert.Contains("score", output.ToString(), StringComparison.Ordinal);
    }
}
