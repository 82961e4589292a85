using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cluster.Tests;

/// <summary>
/// The admin gRPC API of one server process, called with the server's own protocol messages: the server assembly
/// generates only the service side, so each call is described here by its method name, as on the wire.
/// </summary>
internal sealed class AdminCalls(Uri address, string adminKey) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(address);

    public Task<ClientInfo> EnrollClientAsync(EnrollClientRequest request) => CallAsync<EnrollClientRequest, ClientInfo>("EnrollClient", request, ClientInfo.Parser);

    public Task<SessionInfo> CreateSessionAsync(CreateSessionRequest request) => CallAsync<CreateSessionRequest, SessionInfo>("CreateSession", request, SessionInfo.Parser);

    public Task<SessionInfo> GetSessionAsync(string sessionId) => CallAsync<GetSessionRequest, SessionInfo>("GetSession", new GetSessionRequest { SessionId = sessionId }, SessionInfo.Parser);

    public Task<ListRoundsReply> ListRoundsAsync(string sessionId) => CallAsync<ListRoundsRequest, ListRoundsReply>("ListRounds", new ListRoundsRequest { SessionId = sessionId }, ListRoundsReply.Parser);

    public Task<PrivacyLedgerReply> GetPrivacyLedgerAsync(string sessionId) => CallAsync<GetPrivacyLedgerRequest, PrivacyLedgerReply>("GetPrivacyLedger", new GetPrivacyLedgerRequest { SessionId = sessionId }, PrivacyLedgerReply.Parser);

    public void Dispose() => _channel.Dispose();

    private async Task<TResponse> CallAsync<TRequest, TResponse>(string name, TRequest request, MessageParser<TResponse> parser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var method = new Method<TRequest, TResponse>(MethodType.Unary, "privatefl.v1.Admin", name, Marshallers.Create<TRequest>(m => m.ToByteArray(), _ => throw new NotSupportedException()), Marshallers.Create(_ => throw new NotSupportedException(), parser.ParseFrom));
        var headers = new Metadata { { "x-privatefl-admin-key", adminKey } };
        return await _channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)), request);
    }
}
