using Grpc.Core;

namespace PrivateFl.IntegrationTests.Fuzzing;

/// <summary>
/// Delivers one fuzz input other than over the network: the long bench calls the server's gRPC interceptor and
/// handlers in-process, many times faster than gRPC on loopback with a signature per call. Bank calls that are not
/// validly signed are handed to the authentication middleware in-process (or over gRPC when no such invoker is set),
/// since it refuses them before gRPC.
/// </summary>
/// <param name="service">The full service name.</param>
/// <param name="method">The method name.</param>
/// <param name="body">The request's protobuf bytes.</param>
/// <param name="headers">The call's metadata (the admin key for an admin call).</param>
/// <param name="authenticatedClient">The bank the authentication middleware would have authenticated the call as; null for an admin call or a call the middleware is to check.</param>
/// <param name="timeout">The call's deadline; a handler still waiting then ends with DEADLINE_EXCEEDED.</param>
/// <returns>The status (OK or the refusal), its message and the refusal itself.</returns>
internal delegate Task<(StatusCode Status, string Detail, RpcException? Refusal)> FuzzInvoker(string service, string method, byte[] body, Metadata headers, string? authenticatedClient, TimeSpan timeout);
