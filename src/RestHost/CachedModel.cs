using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>A cached global model and the predictor built on it.</summary>
internal sealed record CachedModel(GlobalModel Model, CreditPredictor Predictor);
