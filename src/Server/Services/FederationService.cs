using System.Runtime.InteropServices;
using Grpc.Core;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Security;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Services;

/// <summary>The gRPC federation service: checks the envelope of each call and hands it to the coordinator.</summary>
internal sealed class FederationService(TrainingCoordinator coordinator, IFederationStore store) : Federation.FederationBase
{
    public override Task<SessionInfo> GetSession(GetSessionRequest request, ServerCallContext context) =>
        RpcErrors.Guard(() => Task.FromResult(ProtoMapper.ToProto(coordinator.Session(RequireSessionId(request.SessionId, "session_id")))));

    public override Task<RoundAnnouncement> WaitForRound(WaitForRoundRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            RequireVersion(request.ProtocolVersion, "protocol_version");
            string sessionId = RequireSessionId(request.SessionId, "session_id");
            RoundTicket ticket = await coordinator.WaitForRoundAsync(sessionId, ClientId(context), request.SchemaHash, context.CancellationToken).ConfigureAwait(false);
            return ProtoMapper.ToProto(ticket);
        });

    public override Task<KeyDirectoryReply> AdvertiseKeys(AdvertiseKeysRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            (string session, long round) = Round(request.Round);
            return ProtoMapper.ToProto(await coordinator.AdvertiseKeysAsync(session, round, ClientId(context), ProtoMapper.FromProto(request), context.CancellationToken).ConfigureAwait(false));
        });

    public override Task<ShareDeliveryReply> ShareKeys(ShareKeysRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            (string session, long round) = Round(request.Round);
            return ProtoMapper.ToProto(await coordinator.ShareKeysAsync(session, round, ClientId(context), ProtoMapper.FromProto(request.Shares), context.CancellationToken).ConfigureAwait(false));
        });

    public override Task<SurvivorListReply> SubmitMaskedInput(MaskedInputRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            (string session, long round) = Round(request.Round);
            if ((long)request.VectorLength * sizeof(uint) != request.MaskedVector.Length)
            {
                throw RpcErrors.InvalidArgument("masked_vector", $"holds {request.MaskedVector.Length} bytes; vector_length {request.VectorLength} needs {(long)request.VectorLength * sizeof(uint)}.");
            }

            uint[] vector = MemoryMarshal.Cast<byte, uint>(request.MaskedVector.Span).ToArray();
            if (!BitConverter.IsLittleEndian)
            {
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(vector, vector);
            }

            return ProtoMapper.ToProto(await coordinator.SubmitMaskedInputAsync(session, round, ClientId(context), vector, ProtoMapper.FromProto(request.Complaints), context.CancellationToken).ConfigureAwait(false));
        });

    public override Task<ConsistencyProofReply> SignSurvivors(ConsistencySignatureRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            (string session, long round) = Round(request.Round);
            return ProtoMapper.ToProto(await coordinator.SignSurvivorsAsync(session, round, ClientId(context), request.Signature.Memory, context.CancellationToken).ConfigureAwait(false));
        });

    public override Task<RoundResultReply> Unmask(UnmaskRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            (string session, long round) = Round(request.Round);
            return ProtoMapper.ToProto(await coordinator.UnmaskAsync(session, round, ClientId(context), ProtoMapper.FromProto(request.Shares), ProtoMapper.FromProto(request.PairPoints), context.CancellationToken).ConfigureAwait(false));
        });

    public override Task<RoundResultReply> Expel(ExpelRequest request, ServerCallContext context) =>
        RpcErrors.Guard(async () =>
        {
            (string session, long round) = Round(request.Round);
            return ProtoMapper.ToProto(await coordinator.ExpelAsync(session, round, ClientId(context), ProtoMapper.FromProto(request.PairPoints), context.CancellationToken).ConfigureAwait(false));
        });

    public override Task<ModelVersion> GetModel(GetModelRequest request, ServerCallContext context) =>
        RpcErrors.Guard(() =>
        {
            SessionRuntime session = coordinator.Session(RequireSessionId(request.SessionId, "session_id"));
            if (request.Version < 0)
            {
                throw RpcErrors.InvalidArgument("version", "must be 0 (the current version) or a version number.");
            }

            ModelVersionRecord model = request.Version == 0
                ? store.LatestModel(session.Definition.SessionId)
                : store.FindModel(session.Definition.SessionId, request.Version)
                    ?? throw new CoordinatorException(CoordinatorErrorKind.NotFound, $"Session '{session.Definition.SessionId}' has no model version {request.Version}.") { Reason = ErrorReasons.ModelVersionNotFound };
            return Task.FromResult(ProtoMapper.ToProto(model, session.Definition.SchemaHash));
        });

    private static string ClientId(ServerCallContext context) => (string)context.UserState[AuthenticationInterceptor.ClientIdKey];

    private static (string Session, long Round) Round(RoundRef? round)
    {
        if (round is null)
        {
            throw RpcErrors.InvalidArgument("round", "is required.");
        }

        RequireVersion(round.ProtocolVersion, "round.protocol_version");
        return (RequireSessionId(round.SessionId, "round.session_id"), round.RoundNumber);
    }

    private static void RequireVersion(ProtocolVersion version, string field)
    {
        if (version != ProtocolVersion._1)
        {
            throw RpcErrors.InvalidArgument(field, $"protocol version {(int)version} is not supported; this server speaks version 1.", ErrorReasons.ProtocolVersionUnsupported);
        }
    }

    private static string RequireSessionId(string sessionId, string field) =>
        string.IsNullOrEmpty(sessionId) ? throw RpcErrors.InvalidArgument(field, "is required.") : sessionId;
}
