using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PrivateFl.Simulation;

/// <summary>
/// Prepares a running server for the REST host walkthrough of the README: enrols bank-01 … bank-03 (writing their
/// identity keys), creates the <c>german-credit</c> session (record-level DP, ε = 1), then trains as bank-02 and
/// bank-03 until the session ends. bank-01 is the REST host, which joins through <c>POST /fl_train</c>.
/// </summary>
internal sealed class FederationCommand : AsyncCommand<FederationSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, FederationSettings settings, CancellationToken cancellationToken)
    {
        var address = new Uri(settings.Server);
        using GrpcChannel channel = GrpcChannel.ForAddress(address);
        var admin = new Admin.AdminClient(channel);
        var headers = new Metadata { { "x-privatefl-admin-key", settings.AdminKey } };
        Directory.CreateDirectory(settings.KeysDirectory);
        var keys = new List<SigningKey>();
        foreach (string bank in new[] { "bank-01", "bank-02", "bank-03" })
        {
            var key = SigningKey.Generate();
            keys.Add(key);
            byte[] secret = new byte[SigningKey.KeySize];
            key.ExportPrivateKey(secret);
            string path = Path.Combine(settings.KeysDirectory, $"{bank}.key");
            await OwnerOnlyFile.WriteAllTextAsync(path, Convert.ToBase64String(secret), cancellationToken);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
            await admin.EnrollClientAsync(new EnrollClientRequest { ClientId = bank, IdentityPublicKey = ByteString.CopyFrom(key.PublicKey) }, headers, cancellationToken: cancellationToken);
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, $"Enrolled [bold]{bank}[/]; identity key in {Path.GetFullPath(path)}.");
        }

        FeatureSchema schema = CreditSchemas.GermanCredit;
        CreditDataset all = DatasetLoader.LoadCsv(Path.Combine(AppContext.BaseDirectory, "data", "german_credit_data.csv"), schema);
        IReadOnlyList<CreditDataset> shards = all.StratifiedShards(3, 1);
        await admin.CreateSessionAsync(
            new CreateSessionRequest
            {
                SessionId = "german-credit",

                // The operator creates the session from the schema file; the name and hash, if given, must be its own.
                SchemaJson = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "data", "schemas", "german-credit.json"), cancellationToken),
                SchemaName = schema.Name,
                SchemaHash = schema.Hash,
                ModelLength = (uint)(schema.EncodedLength + 1),
                TotalRounds = (uint)settings.Rounds,
                MinimumClients = 3,
                MaximumClients = 3,
                SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Complete, DropoutRate = 0.3, CorruptedFraction = 0 },
                Training = new TrainingPlan { Rule = AggregationRule.GradientSum, LocalEpochs = 1, LearningRate = 1, BatchSize = (uint)Math.Ceiling(all.RowCount / 3.0), ClipNorm = 1, QuantizationScale = 1 << 12, ServerLearningRate = 3, SamplingRate = 1 },
                Privacy = new PrivacySettings { Mode = DpMode.RecordLevel, EpsilonBudget = 1, Delta = 1e-5 },
            },
            headers,
            cancellationToken: cancellationToken);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, $"Created session [bold]german-credit[/] ({settings.Rounds} rounds, record-level DP ε = 1). bank-02 and bank-03 now wait for bank-01: start the REST host and call /fl_train.");

        var peers = Enumerable.Range(1, 2).Select(b => new FederatedClient(
            new FederatedClientOptions { ServerAddress = address, ClientId = $"bank-0{b + 1}", LedgerDirectory = Path.Combine(settings.KeysDirectory, "ledgers", $"bank-0{b + 1}") },
            keys[b])).ToList();
        TrainingReport[] reports = await Task.WhenAll(peers.Select((c, i) => c.TrainAsync("german-credit", shards[i + 1], new Progress<TrainingProgress>(p => AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"{c.ClientId}: {p.Message}")), cancellationToken: cancellationToken)));
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, $"Session finished ({reports[0].StopReason}): model version {reports[0].ModelVersion}, ε = {reports[0].EpsilonSpent:F3}.");
        foreach (FederatedClient peer in peers)
        {
            peer.Dispose();
        }

        foreach (SigningKey key in keys)
        {
            key.Dispose();
        }

        return 0;
    }
}
