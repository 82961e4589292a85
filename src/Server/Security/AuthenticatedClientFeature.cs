namespace PrivateFl.Server.Security;

/// <summary>Set on a federation call by <see cref="CallAuthenticationMiddleware"/> once its signature verified over the received message bytes.</summary>
internal sealed record AuthenticatedClientFeature(string ClientId);
