using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using PrivateFl.ClientSdk;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Benchmarks;

/// <summary>
/// Whole rounds over loopback gRPC (issue "Federated training over gRPC"): the real server in its own process
/// (so that its memory can be read), N clients in this one, each with its own HTTP/2 connection. Reports the
/// server-side round time (open to close), the protobuf bytes each client sends, and the server's peak RSS.
/// </summary>
internal static class EndToEndBenchmark
{
    internal const string AdminKey = "benchmark-admin-key-0123456789abcdef";

    public static async Task RunAsync(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;

        // Optional: only the settings with this many clients (and, as a third argument, this vector length).
        int? onlyClients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : null;
        int? onlyLength = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : null;
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}; {rounds} rounds per setting");
        int creditLength = CreditSchemas.GermanCredit.EncodedLength + 1;
        foreach ((int clients, int length, Protocol.V1.NeighbourGraphKind graph) in new[]
        {
            (10, creditLength, Protocol.V1.NeighbourGraphKind.Complete),
            (100, creditLength, Protocol.V1.NeighbourGraphKind.Harary),
            (500, creditLength, Protocol.V1.NeighbourGraphKind.Harary),
            (10, 100_000, Protocol.V1.NeighbourGraphKind.Complete),
            (100, 100_000, Protocol.V1.NeighbourGraphKind.Harary),
            (500, 100_000, Protocol.V1.NeighbourGraphKind.Harary),
        })
        {
            if ((onlyClients is null || onlyClients == clients) && (onlyLength is null || onlyLength == length))
            {
                await MeasureAsync(clients, length, graph, rounds);
            }
        }
    }

    private static async Task MeasureAsync(int clientCount, int length, Protocol.V1.NeighbourGraphKind graph, int rounds)
    {
        string database = Path.Combine(Path.GetTempPath(), $"privatefl-bench-{Guid.NewGuid():n}.db");
        int port = FreePort();
        using Process server = StartServer(port, database);
        var address = new Uri($"http://127.0.0.1:{port}");
        try
        {
            using GrpcChannel adminChannel = GrpcChannel.ForAddress(address);
            var admin = new Admin.AdminClient(adminChannel);
            var headers = new Metadata { { "x-privatefl-admin-key", AdminKey } };
            await WaitUntilUpAsync(admin, headers);
            var keys = new SigningKey[clientCount];
            for (int i = 0; i < clientCount; i++)
            {
                keys[i] = SigningKey.Generate();
                await admin.EnrollClientAsync(new EnrollClientRequest { ClientId = $"bank-{i:D4}", IdentityPublicKey = ByteString.CopyFrom(keys[i].PublicKey) }, headers);
            }

            string schemaHash = length == CreditSchemas.GermanCredit.EncodedLength + 1 ? CreditSchemas.GermanCredit.Hash : new string('0', 64);
            await admin.CreateSessionAsync(
                new CreateSessionRequest
                {
                    SessionId = "bench",
                    SchemaName = "bench",
                    SchemaHash = schemaHash,
                    ModelLength = (uint)length,
                    TotalRounds = (uint)rounds,
                    MinimumClients = (uint)clientCount,
                    MaximumClients = (uint)clientCount,
                    SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = graph, DropoutRate = 0.1, CorruptedFraction = 0.05 },
                    Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 1, ClipNorm = 1, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
                    Privacy = new PrivacySettings { Mode = DpMode.None },
                },
                headers);

            long[] bytesSent = new long[clientCount];
            var channels = new GrpcChannel[clientCount];
            var tasks = new Task[clientCount];
            for (int i = 0; i < clientCount; i++)
            {
                int client = i;
                channels[i] = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20, MaxSendMessageSize = 64 << 20 });
                CallInvoker invoker = channels[i].CreateCallInvoker()
                    .Intercept(new CountingInterceptor(n => Interlocked.Add(ref bytesSent[client], n)))
                    .Intercept(new CallSigningInterceptor($"bank-{client:D4}", keys[client], TimeProvider.System));
                tasks[i] = RunClientAsync(new Federation.FederationClient(invoker), $"bank-{client:D4}", keys[client], schemaHash, length, rounds);
            }

            var clock = Stopwatch.StartNew();
            await Task.WhenAll(tasks);
            clock.Stop();
            ListRoundsReply records = await admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "bench" }, headers);
            double[] roundTimes = [.. records.Rounds.Select(r => (double)(r.EndedUnixMs - r.StartedUnixMs))];
            string peak = File.ReadAllLines($"/proc/{server.Id}/status").First(l => l.StartsWith("VmHWM", StringComparison.Ordinal)).Split(':')[1].Trim();
            Console.WriteLine();
            Console.WriteLine($"## {clientCount} clients, d = {length:N0}, {graph}: k = {records.Rounds[0].Degree}, t = {records.Rounds[0].Threshold}, outcomes {string.Join(",", records.Rounds.Select(r => r.RoundOutcome))}");
            Console.WriteLine($"round time (server, open → close, ms): {string.Join(", ", roundTimes.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}; median {roundTimes.Order().ElementAt(roundTimes.Length / 2):F0}");
            Console.WriteLine($"stages of the last round (ms): {string.Join(" | ", records.Rounds[^1].Stages.Select(s => $"{s.Stage} {s.Milliseconds:F0}"))}");
            Console.WriteLine($"protobuf bytes one client sends per round: {bytesSent.Average() / rounds:N0}; server peak RSS: {peak}; wall {clock.Elapsed.TotalSeconds:F1} s for {rounds} rounds");
            foreach (GrpcChannel channel in channels)
            {
                channel.Dispose();
            }

            foreach (SigningKey key in keys)
            {
                key.Dispose();
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            foreach (string file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static async Task RunClientAsync(Federation.FederationClient federation, string clientId, SigningKey key, string schemaHash, int length, int rounds)
    {
        var random = new Random(clientId.GetHashCode(StringComparison.Ordinal));
        for (int round = 0; round < rounds; round++)
        {
            RoundAnnouncement announcement = await federation.WaitForRoundAsync(new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "bench", SchemaHash = schemaHash });
            (SecAggParameters parameters, Dictionary<int, ReadOnlyMemory<byte>> identityKeys) = AnnouncementValidator.Validate(announcement, "bench", clientId, key.PublicKey, length);
            double[] update = [.. Enumerable.Range(0, length).Select(_ => (random.NextDouble() - 0.5) / Math.Sqrt(length))];
            uint[] encoded = new uint[length];
            new FixedPointQuantizer(1, 1 << 16, announcement.Participants.Count).Encode(update, encoded);
            await new RoundRunner(federation, key).RunAsync(announcement, parameters, identityKeys, encoded, CancellationToken.None);
        }
    }

    internal static Process StartServer(int port, string database, bool defaultRoundOptions = false)
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "PrivateFl.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run the benchmark from inside the repository.");
        }

        string serverDll = Path.Combine(root, "src", "Server", "bin", "Release", "net10.0", "PrivateFl.Server.dll");
        if (!File.Exists(serverDll))
        {
            throw new InvalidOperationException($"Build the server first: dotnet build -c Release src/Server ({serverDll} is missing).");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                serverDll,
                $"--ServerOptions:Urls=http://127.0.0.1:{port}",
                $"--ServerOptions:AdminApiKey={AdminKey}",
                $"--StorageOptions:DatabasePath={database}",
                "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
        };
        if (!defaultRoundOptions)
        {
            start.ArgumentList.Add("--RoundOptions:GatherWindow=00:00:00");
            start.ArgumentList.Add("--RoundOptions:StageDeadline=00:02:00");
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("The server did not start.");
        int forwarded = 0;
        process.OutputDataReceived += (_, e) =>
        {
            // The first warnings say what went wrong under load (refused calls, dropped banks); the rest would flood.
            if (!string.IsNullOrEmpty(e.Data) && Interlocked.Increment(ref forwarded) <= 60)
            {
                Console.Error.WriteLine($"server: {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                Console.Error.WriteLine($"server: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitUntilUpAsync(Admin.AdminClient admin, Metadata headers)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await admin.ListSessionsAsync(new ListSessionsRequest(), headers);
                return;
            }
            catch (RpcException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Adds up the protobuf size of every request a client sends.</summary>
    private sealed class CountingInterceptor(Action<long> add) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            add((request as IMessage)?.CalculateSize() ?? 0);
            return continuation(request, context);
        }
    }
}
