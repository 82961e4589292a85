using System.Text.RegularExpressions;
using Grpc.Core;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Services;

/// <summary>The operator's gRPC service: sessions, enrolment, rounds and the privacy ledger.</summary>
internal sealed partial class AdminService(SessionRegistry sessions, IFederationStore store, TimeProvider time) : Admin.AdminBase
{
    /// <summary>The audit entries <c>ListAuditLog</c> returns when its request names no limit.</summary>
    internal const int DefaultAuditEntries = 100;

    /// <summary>The most audit entries one <c>ListAuditLog</c> returns.</summary>
    internal const int MaxAuditEntries = 10_000;

    public override Task<SessionInfo> CreateSession(CreateSessionRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            SessionDefinition definition = SessionRequestValidator.Validate(request, time.GetUtcNow().ToUnixTimeMilliseconds());
            double[] weights = request.InitialWeights.Count == 0 ? new double[definition.ModelLength] : [.. request.InitialWeights];
            SessionRuntime session = await sessions.CreateAsync(definition, weights, context.CancellationToken).ConfigureAwait(false)
                ?? throw RpcErrors.Refusal(Google.Rpc.Code.AlreadyExists, ErrorReasons.SessionAlreadyExists, $"Session '{definition.SessionId}' already exists.");
            return ProtoMapper.ToProto(session);
        });

    public override Task<ListSessionsReply> ListSessions(ListSessionsRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            var reply = new ListSessionsReply();
            reply.Sessions.Add((await sessions.ListAsync(context.CancellationToken).ConfigureAwait(false)).Select(ProtoMapper.ToProto));
            return reply;
        });

    public override Task<SessionInfo> GetSession(GetSessionRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () => ProtoMapper.ToProto(await sessions.GetAsync(request.SessionId, context.CancellationToken).ConfigureAwait(false)));

    public override Task<ClientInfo> EnrollClient(EnrollClientRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            var violations = new List<(string, string)>();
            if (!ClientIdPattern().IsMatch(request.ClientId))
            {
                violations.Add(("client_id", "must be 1–64 characters of letters, digits, '.', '_' or '-'."));
            }

            if (request.IdentityPublicKey.Length != Crypto.Primitives.Signatures.PublicKeySize)
            {
                violations.Add(("identity_public_key", $"must be a 32-byte Ed25519 public key; got {request.IdentityPublicKey.Length} bytes."));
            }
            else if (!Crypto.Primitives.Signatures.IsValidPublicKey(request.IdentityPublicKey.Span))
            {
                violations.Add(("identity_public_key", "is not a valid Ed25519 public key: not a canonical encoding of a point of the prime-order subgroup (small-order, mixed-order and non-canonical keys are refused)."));
            }

            if (violations.Count > 0)
            {
                throw RpcErrors.InvalidArgument(violations);
            }

            var client = new EnrolledClient(request.ClientId, request.IdentityPublicKey.ToByteArray(), false, time.GetUtcNow().ToUnixTimeMilliseconds());
            return await store.EnrollClientAsync(client, context.CancellationToken).ConfigureAwait(false)
                ? ProtoMapper.ToProto(client)
                : throw RpcErrors.Refusal(Google.Rpc.Code.AlreadyExists, ErrorReasons.ClientAlreadyEnrolled, $"Client '{request.ClientId}' is already enrolled.");
        });

    public override Task<ClientInfo> RevokeClient(RevokeClientRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () => ProtoMapper.ToProto(
            await store.RevokeClientAsync(request.ClientId, context.CancellationToken).ConfigureAwait(false) ?? throw new CoordinatorException(CoordinatorErrorKind.NotFound, $"Client '{request.ClientId}' is not enrolled.") { Reason = ErrorReasons.ClientNotFound }));

    public override Task<ListClientsReply> ListClients(ListClientsRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            var reply = new ListClientsReply();
            reply.Clients.Add((await store.ListClientsAsync(context.CancellationToken).ConfigureAwait(false)).Select(ProtoMapper.ToProto));
            return reply;
        });

    public override Task<ListRoundsReply> ListRounds(ListRoundsRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            SessionRuntime session = await sessions.GetAsync(request.SessionId, context.CancellationToken).ConfigureAwait(false);
            var reply = new ListRoundsReply();
            reply.Rounds.Add((await store.ListRoundsAsync(session.Definition.SessionId, context.CancellationToken).ConfigureAwait(false)).Select(ProtoMapper.ToProto));
            return reply;
        });

    public override Task<PrivacyLedgerReply> GetPrivacyLedger(GetPrivacyLedgerRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            SessionRuntime session = await sessions.GetAsync(request.SessionId, context.CancellationToken).ConfigureAwait(false);
            var reply = new PrivacyLedgerReply
            {
                EpsilonBudget = session.Definition.Privacy.EpsilonBudget,
                Delta = session.Definition.Privacy.Delta,
                EpsilonSpent = session.EpsilonSpent,
            };
            reply.Entries.Add((await store.ListLedgerAsync(session.Definition.SessionId, context.CancellationToken).ConfigureAwait(false)).Select(e => new PrivacyLedgerEntry
            {
                RoundNumber = e.RoundNumber,
                EpsilonSpentTotal = e.EpsilonSpentTotal,
                Delta = e.Delta,
                MechanismJson = e.MechanismJson,
                RecordedUnixMs = e.RecordedUnixMs,
            }));
            return reply;
        });

    public override Task<ListAuditLogReply> ListAuditLog(ListAuditLogRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            if (request.Limit > MaxAuditEntries)
            {
                throw RpcErrors.InvalidArgument("limit", $"must be 0 (meaning {DefaultAuditEntries}) to {MaxAuditEntries}; got {request.Limit}.");
            }

            if (request.SinceUnixMs < 0)
            {
                throw RpcErrors.InvalidArgument("since_unix_ms", $"must be 0 (the whole log) or a time in Unix milliseconds; got {request.SinceUnixMs}.");
            }

            int limit = request.Limit == 0 ? DefaultAuditEntries : (int)request.Limit;
            var reply = new ListAuditLogReply();
            reply.Entries.Add((await store.ListAuditAsync(request.SinceUnixMs == 0 ? null : request.SinceUnixMs, limit, context.CancellationToken).ConfigureAwait(false)).Select(e => new AuditLogEntry
            {
                Id = e.Id,
                TimestampUnixMs = e.TimestampUnixMs,
                Actor = e.Actor,
                RemoteAddress = e.RemoteAddress,
                Method = e.Method,
                TargetId = e.TargetId,
                Outcome = e.Outcome,
            }));
            return reply;
        });

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ClientIdPattern();
}
