using System.Text.RegularExpressions;
using Grpc.Core;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Services;

/// <summary>The operator's gRPC service: sessions, enrolment, rounds and the privacy ledger.</summary>
internal sealed partial class AdminService(TrainingCoordinator coordinator, IFederationStore store, TimeProvider time) : Admin.AdminBase
{
    public override Task<SessionInfo> CreateSession(CreateSessionRequest request, ServerCallContext context) =>
        RpcErrors.Guard(() =>
        {
            SessionDefinition definition = SessionRequestValidator.Validate(request, time.GetUtcNow().ToUnixTimeMilliseconds());
            double[] weights = request.InitialWeights.Count == 0 ? new double[definition.ModelLength] : [.. request.InitialWeights];
            var initial = new ModelVersionRecord(definition.SessionId, 0, 0, weights, 0, 0, definition.Privacy.Delta, "{}", definition.CreatedUnixMs);
            if (!store.CreateSession(definition, initial))
            {
                throw RpcErrors.Refusal(Google.Rpc.Code.AlreadyExists, ErrorReasons.SessionAlreadyExists, $"Session '{definition.SessionId}' already exists.");
            }

            return Task.FromResult(ProtoMapper.ToProto(coordinator.Session(definition.SessionId)));
        });

    public override Task<ListSessionsReply> ListSessions(ListSessionsRequest request, ServerCallContext context) =>
        RpcErrors.Guard(() =>
        {
            var reply = new ListSessionsReply();
            reply.Sessions.Add(store.ListSessions().Select(s => ProtoMapper.ToProto(coordinator.Session(s.Definition.SessionId))));
            return Task.FromResult(reply);
        });

    public override Task<SessionInfo> GetSession(GetSessionRequest request, ServerCallContext context) =>
        RpcErrors.Guard(() => Task.FromResult(ProtoMapper.ToProto(coordinator.Session(request.SessionId))));

    public override Task<ClientInfo> EnrollClient(EnrollClientRequest request, ServerCallContext context) =>
        RpcErrors.Guard(() =>
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
            return store.EnrollClient(client)
                ? Task.FromResult(ProtoMapper.ToProto(client))
                : throw RpcErrors.Refusal(Google.Rpc.Code.AlreadyExists, ErrorReasons.ClientAlreadyEnrolled, $"Client '{request.ClientId}' is already enrolled.");
        });

    public override Task<ClientInfo> RevokeClient(RevokeClientRequest request, ServerCallContext context) =>
        RpcErrors.Guard(() => Task.FromResult(ProtoMapper.ToProto(
            store.RevokeClient(request.ClientId) ?? throw new CoordinatorException(CoordinatorErrorKind.NotFound, $"Client '{request.ClientId}' is not enrolled.") { Reason = ErrorReasons.ClientNotFound })));

    public override Task<ListClientsReply> ListClients(ListClientsRequest request, ServerCallContext context) =>
        RpcErrors.Guard(() =>
        {
            var reply = new ListClientsReply();
            reply.Clients.Add(store.ListClients().Select(ProtoMapper.ToProto));
            return Task.FromResult(reply);
        });

    public override Task<ListRoundsReply> ListRounds(ListRoundsRequest request, ServerCallContext context) =>
        RpcErrors.Guard(() =>
        {
            SessionRuntime session = coordinator.Session(request.SessionId);
            var reply = new ListRoundsReply();
            reply.Rounds.Add(store.ListRounds(session.Definition.SessionId).Select(ProtoMapper.ToProto));
            return Task.FromResult(reply);
        });

    public override Task<PrivacyLedgerReply> GetPrivacyLedger(GetPrivacyLedgerRequest request, ServerCallContext context) =>
        RpcErrors.Guard(() =>
        {
            SessionRuntime session = coordinator.Session(request.SessionId);
            var reply = new PrivacyLedgerReply
            {
                EpsilonBudget = session.Definition.Privacy.EpsilonBudget,
                Delta = session.Definition.Privacy.Delta,
                EpsilonSpent = session.EpsilonSpent,
            };
            reply.Entries.Add(store.ListLedger(session.Definition.SessionId).Select(e => new PrivacyLedgerEntry
            {
                RoundNumber = e.RoundNumber,
                EpsilonSpentTotal = e.EpsilonSpentTotal,
                Delta = e.Delta,
                MechanismJson = e.MechanismJson,
                RecordedUnixMs = e.RecordedUnixMs,
            }));
            return Task.FromResult(reply);
        });

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ClientIdPattern();
}
