using Grpc.Core;

namespace PrivateFl.IntegrationTests.Fuzzing;

/// <summary>
/// Delivers one fuzz input other than over the network (the long bench calls the server's interceptor and handlers
/// in-process, which is two orders of magnitude faster than gRPC on loopback).
/// </summary>
/// <param name="service">The full service name.</param>
/// <param name="method">The method name.</param>
/// <param name="body">The request's protobuf bytes.</param>
/// <param name="headers">The call's metadata; authenticated from it when <paramref name="authenticatedClient"/> is null.</param>
/// <param name="authenticatedClient">A client the call is already authenticated as (the handler is called behind the authentication), or null.</param>
/// <param name="timeout">The call's deadline; a handler still waiting then ends with DEADLINE_EXCEEDED.</param>
/// <returns>The status (OK or the refusal), its message and the refusal itself.</returns>
internal delegate Task<(StatusCode Status, string Detail, RpcException? Refusal)> FuzzInvoker(string service, string method, byte[] body, Metadata headers, string? authenticatedClient, TimeSpan timeout);
