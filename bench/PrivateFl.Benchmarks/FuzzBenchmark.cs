extern alias server;

using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PrivateFl.IntegrationTests.Fuzzing;
using S = server::PrivateFl.Protocol.V1;
using ServerApp = server::PrivateFl.Server.PrivateFlServerApplication;
using ServerAuth = server::PrivateFl.Server.Security.AuthenticationInterceptor;
using ServerFeature = server::PrivateFl.Server.Security.AuthenticatedClientFeature;
using ServerMiddleware = server::PrivateFl.Server.Security.CallAuthenticationMiddleware;
using ServerServices = server::PrivateFl.Server.Services;

namespace PrivateFl.Benchmarks;

/// <summary>
/// The long run of the service fuzzer (tests/PrivateFl.IntegrationTests/Fuzzing): first over gRPC on loopback, as
/// the CI test does, then with the inputs handed to the server's own authentication interceptor and handlers
/// in-process (the same coordinator and store the gRPC server uses, and the same three phases), which reaches
/// 10^5 inputs per request type in minutes. Prints inputs per second, the statuses and every failing input.
/// </summary>
internal static class FuzzBenchmark
{
    private const string AdminKey = "fuzz-bench-admin-key-0123456789";

    public static async Task<int> RunAsync(string[] args)
    {
        int inputs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        int wireInputs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
        ulong seed = args.Length > 2 ? ulong.Parse(args[2], CultureInfo.InvariantCulture) : 20261201;
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; seed {seed}");
        int failures = 0;

        if (wireInputs > 0)
        {
            Console.WriteLine($"## over gRPC: {wireInputs} inputs per request type and per stage");
            await using Server wire = await Server.StartAsync();
            using var fuzzer = new ServiceFuzzer(wire.Address, AdminKey) { Log = Console.WriteLine };
            FuzzReport report = await fuzzer.RunAsync(wireInputs, seed, parallelism: 1);
            Console.WriteLine(report);
            failures += report.Failures.Count;
        }

        Console.WriteLine($"## in-process: {inputs} inputs per request type and per stage");
        await using (Server direct = await Server.StartAsync())
        {
            using var fuzzer = new ServiceFuzzer(direct.Address, AdminKey) { Log = Console.WriteLine, Invoker = direct.InvokeAsync, MiddlewareInvoker = direct.InvokeMiddlewareAsync };
            FuzzReport report = await fuzzer.RunAsync(inputs, seed + 1, parallelism: 2);
            Console.WriteLine(report);
            failures += report.Failures.Count;
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>The aggregation server in this process, listening on loopback, with direct access to its handlers.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly string _database;
        private readonly Dictionary<string, Func<byte[], ServerCallContext, Task>> _handlers;
        private readonly ServerMiddleware _middleware;

        private Server(WebApplication app, string database)
        {
            _app = app;
            _database = database;
            IServiceProvider services = app.Services;
            var authentication = ActivatorUtilities.CreateInstance<ServerAuth>(services);
            var federation = ActivatorUtilities.CreateInstance<ServerServices.FederationService>(services);
            var admin = ActivatorUtilities.CreateInstance<ServerServices.AdminService>(services);

            // A call the middleware lets through is marked; the fuzzer's oracle then sees OK where it expects a refusal.
            _middleware = ActivatorUtilities.CreateInstance<ServerMiddleware>(services, (RequestDelegate)(context =>
            {
                context.Response.Headers["grpc-status"] = "0";
                return Task.CompletedTask;
            }));
            Func<byte[], ServerCallContext, Task> Handler<TRequest, TResponse>(MessageParser<TRequest> parser, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
                where TRequest : class, IMessage<TRequest>
                where TResponse : class =>
                (body, context) => authentication.UnaryServerHandler(parser.ParseFrom(body), context, (r, c) => handler(r, c));

            _handlers = new(StringComparer.Ordinal)
            {
                ["privatefl.v1.Federation/GetSession"] = Handler(S.GetSessionRequest.Parser, federation.GetSession),
                ["privatefl.v1.Federation/WaitForRound"] = Handler(S.WaitForRoundRequest.Parser, federation.WaitForRound),
                ["privatefl.v1.Federation/AdvertiseKeys"] = Handler(S.AdvertiseKeysRequest.Parser, federation.AdvertiseKeys),
                ["privatefl.v1.Federation/ShareKeys"] = Handler(S.ShareKeysRequest.Parser, federation.ShareKeys),
                ["privatefl.v1.Federation/SubmitMaskedInput"] = Handler(S.MaskedInputRequest.Parser, federation.SubmitMaskedInput),
                ["privatefl.v1.Federation/SignSurvivors"] = Handler(S.ConsistencySignatureRequest.Parser, federation.SignSurvivors),
                ["privatefl.v1.Federation/Unmask"] = Handler(S.UnmaskRequest.Parser, federation.Unmask),
                ["privatefl.v1.Federation/GetModel"] = Handler(S.GetModelRequest.Parser, federation.GetModel),
                ["privatefl.v1.Admin/CreateSession"] = Handler(S.CreateSessionRequest.Parser, admin.CreateSession),
                ["privatefl.v1.Admin/ListSessions"] = Handler(S.ListSessionsRequest.Parser, admin.ListSessions),
                ["privatefl.v1.Admin/GetSession"] = Handler(S.GetSessionRequest.Parser, admin.GetSession),
                ["privatefl.v1.Admin/EnrollClient"] = Handler(S.EnrollClientRequest.Parser, admin.EnrollClient),
                ["privatefl.v1.Admin/RevokeClient"] = Handler(S.RevokeClientRequest.Parser, admin.RevokeClient),
                ["privatefl.v1.Admin/ListClients"] = Handler(S.ListClientsRequest.Parser, admin.ListClients),
                ["privatefl.v1.Admin/ListRounds"] = Handler(S.ListRoundsRequest.Parser, admin.ListRounds),
                ["privatefl.v1.Admin/GetPrivacyLedger"] = Handler(S.GetPrivacyLedgerRequest.Parser, admin.GetPrivacyLedger),
            };
        }

        public Uri Address { get; private set; } = null!;

        public static async Task<Server> StartAsync()
        {
            string database = Path.Combine(Path.GetTempPath(), $"privatefl-fuzz-{Guid.NewGuid():n}.db");
            WebApplication app = ServerApp.Build(
                [],
                builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ServerOptions:Urls"] = "http://127.0.0.1:0",
                    ["ServerOptions:AdminApiKey"] = AdminKey,
                    ["StorageOptions:DatabasePath"] = database,
                    ["RoundOptions:MinimumClients"] = "3",
                    ["RoundOptions:GatherWindow"] = "00:00:00.200",
                    ["RoundOptions:StageDeadline"] = "01:00:00",
                    ["Logging:LogLevel:Default"] = "None",
                }));
            await app.StartAsync();
            return new Server(app, database) { Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        }

        /// <summary>As gRPC would behind the authentication middleware: parse, intercept, handle, and map what escapes to UNKNOWN.</summary>
        public async Task<(StatusCode Status, string Detail, RpcException? Refusal)> InvokeAsync(string service, string method, byte[] body, Metadata headers, string? authenticatedClient, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            var context = new DirectCallContext($"/{service}/{method}", headers, deadline.Token);
            var http = new DefaultHttpContext();
            if (authenticatedClient is not null)
            {
                // What the authentication middleware attaches to a validly signed call.
                http.Features.Set(new ServerFeature(authenticatedClient));
            }

            // grpc-dotnet's GetHttpContext() reads this key from a context that is not its own (its testing hook).
            context.UserState["__HttpContext"] = http;
            try
            {
                await _handlers[$"{service}/{method}"](body, context);
                return (StatusCode.OK, string.Empty, null);
            }
            catch (RpcException ex)
            {
                return (ex.StatusCode, ex.Status.Detail, ex);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                return (StatusCode.DeadlineExceeded, string.Empty, null);
            }
            catch (Exception ex)
            {
                // What gRPC turns into UNKNOWN; the type names the fault.
                return (StatusCode.Unknown, $"{ex.GetType().Name}: {ex.Message}", null);
            }
        }

        /// <summary>As the authentication middleware answers a bank call on the wire: the frame, headers and path in, the trailers-only status out.</summary>
        public async Task<(StatusCode Status, string Detail, RpcException? Refusal)> InvokeMiddlewareAsync(string service, string method, byte[] body, Metadata headers, string? authenticatedClient, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            byte[] frame = new byte[5 + body.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
            body.CopyTo(frame, 5);
            var http = new DefaultHttpContext { RequestAborted = deadline.Token };
            http.Request.Method = "POST";
            http.Request.Path = $"/{service}/{method}";
            http.Request.ContentType = "application/grpc";
            http.Request.Body = new MemoryStream(frame, writable: false);
            foreach (Metadata.Entry entry in headers)
            {
                http.Request.Headers.Append(entry.Key, entry.Value);
            }

            await _middleware.InvokeAsync(http);
            string code = http.Response.Headers["grpc-status"].ToString();
            return code.Length == 0
                ? (StatusCode.Unknown, "the middleware wrote no grpc-status", null)
                : ((StatusCode)int.Parse(code, CultureInfo.InvariantCulture), Uri.UnescapeDataString(http.Response.Headers["grpc-message"].ToString()), null);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string file in new[] { _database, _database + "-wal", _database + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
