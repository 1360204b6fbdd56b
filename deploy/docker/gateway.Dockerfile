# The gateway image: the HTTP API, an Orleans client that finds silos through Redis.
# Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t actors-gateway:local .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files and the central build and package settings only, so the
# restore layer is reused until a dependency changes. The gateway never needs grain implementations.
COPY global.json Directory.Build.props Directory.Packages.props Hosts.props ./
COPY grains/Actors.Grains.Abstractions/Actors.Grains.Abstractions.csproj grains/Actors.Grains.Abstractions/
COPY hosting/Actors.ServiceDefaults/Actors.ServiceDefaults.csproj hosting/Actors.ServiceDefaults/
COPY client/Actors.Gateway/Actors.Gateway.csproj client/Actors.Gateway/
RUN dotnet restore client/Actors.Gateway/Actors.Gateway.csproj
COPY grains/Actors.Grains.Abstractions/ grains/Actors.Grains.Abstractions/
COPY hosting/ hosting/
COPY client/ client/
RUN dotnet publish client/Actors.Gateway/Actors.Gateway.csproj -c Release --no-restore -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# HTTP on every interface: appsettings.json binds loopback, which a container cannot be reached on.
# The base image's default HTTP port is cleared so Urls alone decides.
ENV Urls=http://+:8080 \
    ASPNETCORE_HTTP_PORTS=
EXPOSE 8080
# The non-root user the .NET images provide (uid 1654).
USER $APP_UID
# Liveness only: the process answers HTTP. No curl in the image, so bash speaks HTTP itself.
# Readiness (a silo reachable, Redis) is /health/ready; orchestrators probe it themselves. HTTP
# starts only once the Orleans client has reached a silo, hence the long start period.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'
ENTRYPOINT ["dotnet", "Actors.Gateway.dll"]
