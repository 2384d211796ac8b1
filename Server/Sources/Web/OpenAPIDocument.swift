/// The OpenAPI 3 description of the JSON API, served at `/api/v1/openapi.json`. Every status an
/// operation can answer is listed with its error codes, and every schema is exact; tests check
/// it against the router's routes, and `bench/schemathesis.sh` checks the server against it.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "FestivalGate ticket server",
    "version": "1.1.0",
    "description": "Times are unix seconds. Ticket ids are u64 decimal strings. Errors are {\"error\": {\"code\", \"message\"}}. Bodies are application/json (seat maps text/csv). A state change signed in by the session cookie must come from the server's own origin (Origin or Referer); bearer tokens need no such check. Any path answers 405 with Allow for a method it does not serve."
  },
  "paths": {
    "/healthz": {
      "get": {
        "summary": "Liveness and database check",
        "tags": [
          "health"
        ],
        "responses": {
          "200": {
            "description": "The server and its database answer",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "status"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "status": {
                      "type": "string",
                      "enum": [
                        "ok"
                      ]
                    }
                  }
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/openapi.json": {
      "get": {
        "summary": "This document",
        "tags": [
          "meta"
        ],
        "responses": {
          "200": {
            "description": "The OpenAPI document",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/auth/signup": {
      "post": {
        "summary": "Create an attendee account and sign in",
        "tags": [
          "accounts"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SignUp"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Signed up; sets the fg_session cookie",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
                }
              }
            },
            "headers": {
              "Cache-Control": {
                "description": "no-store",
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "403": {
            "description": "cross_site_request: sent with a session cookie from another site",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "$ref": "#/components/responses/BodyTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "429": {
            "description": "too_many_requests: throttled; wait Retry-After seconds",
            "headers": {
              "Retry-After": {
                "description": "seconds until a try is allowed again",
                "schema": {
                  "type": "integer"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "email_taken",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "422": {
            "description": "invalid_email, invalid_display_name, weak_password",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/auth/login": {
      "post": {
        "summary": "Sign in",
        "tags": [
          "accounts"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LogIn"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Signed in; sets the fg_session cookie",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
                }
              }
            },
            "headers": {
              "Cache-Control": {
                "description": "no-store",
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "413": {
            "$ref": "#/components/responses/BodyTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "401": {
            "description": "wrong_credentials: the same answer for an unknown email and a wrong password",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "cross_site_request: sent with a session cookie from another site",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/auth/logout": {
      "post": {
        "summary": "Sign out (ends the session; no body)",
        "tags": [
          "accounts"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          },
          {}
        ],
        "responses": {
          "204": {
            "description": "Signed out (also when no session was sent); the cookie is cleared",
            "headers": {
              "Cache-Control": {
                "description": "no-store",
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "403": {
            "description": "cross_site_request: sent with a session cookie from another site",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/me": {
      "get": {
        "summary": "The signed-in account",
        "tags": [
          "accounts"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "responses": {
          "200": {
            "description": "The account",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Account"
                }
              }
            },
            "headers": {
              "Cache-Control": {
                "description": "no-store",
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          }
        }
      }
    },
    "/api/v1/accounts/{accountID}/role": {
      "put": {
        "summary": "Set an account's role (organisers)",
        "tags": [
          "accounts"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "accountID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "format": "int64"
            },
            "description": "the account's id"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Role"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The account with its new role",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Account"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/BodyTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "404": {
            "description": "not_found: no such account",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "last_organiser: the only organiser cannot step down",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "422": {
            "description": "invalid_role",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/events": {
      "get": {
        "summary": "Every event, by start",
        "tags": [
          "events"
        ],
        "responses": {
          "200": {
            "description": "The events",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "events"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "events": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Event"
                      }
                    }
                  }
                }
              }
            }
          }
        }
      },
      "post": {
        "summary": "Create an event, optionally with its classes (organisers)",
        "tags": [
          "events"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/NewEvent"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The event",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Event"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/BodyTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "description": "invalid_name, invalid_venue, invalid_times, invalid_limit, invalid_zone, invalid_price, invalid_capacity, invalid_class_name, duplicate_zone",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/events/{eventID}": {
      "get": {
        "summary": "One event",
        "tags": [
          "events"
        ],
        "parameters": [
          {
            "name": "eventID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 4294967295
            },
            "description": "the event's id"
          }
        ],
        "responses": {
          "200": {
            "description": "The event",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Event"
                }
              }
            }
          },
          "404": {
            "description": "not_found: no such event",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      },
      "put": {
        "summary": "Replace an event's details; moved times re-sign its live tickets (organisers)",
        "tags": [
          "events"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "eventID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 4294967295
            },
            "description": "the event's id"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/EventDetails"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The event",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Event"
                }
              }
            },
            "headers": {
              "Tickets-Resigned": {
                "description": "live tickets given a new token for the new times",
                "schema": {
                  "type": "integer"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/BodyTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "404": {
            "description": "not_found: no such event",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "422": {
            "description": "invalid_name, invalid_venue, invalid_times, invalid_limit",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/events/{eventID}/classes": {
      "post": {
        "summary": "Add a ticket class (organisers)",
        "tags": [
          "events"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "eventID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 4294967295
            },
            "description": "the event's id"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/NewClass"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The event with the new class",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Event"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/BodyTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "404": {
            "description": "not_found: no such event",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "class_exists: the zone is taken",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "422": {
            "description": "invalid_zone, invalid_price, invalid_capacity, invalid_class_name",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/events/{eventID}/seatmap": {
      "put": {
        "summary": "Replace the seat map from CSV lines row,seat,label,class (organisers)",
        "tags": [
          "events"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "eventID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 4294967295
            },
            "description": "the event's id"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "text/csv": {
              "schema": {
                "type": "string",
                "minLength": 1,
                "description": "UTF-8 lines row,seat,label,class (an optional header line naming them); at most 256 KiB"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Imported",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "event_id",
                    "seats"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "event_id": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 4294967295
                    },
                    "seats": {
                      "type": "integer",
                      "minimum": 1
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/BodyTooLarge"
          },
          "404": {
            "description": "not_found: no such event",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "seats_sold: seats are sold; the map stays",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "415": {
            "description": "unsupported_media_type: the body must be text/csv",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "422": {
            "description": "invalid_seat_map: every bad line with its number; nothing was imported",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/events/{eventID}/availability": {
      "get": {
        "summary": "What is left: every class, every seat",
        "tags": [
          "events"
        ],
        "parameters": [
          {
            "name": "eventID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 4294967295
            },
            "description": "the event's id"
          }
        ],
        "responses": {
          "200": {
            "description": "Availability",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Availability"
                }
              }
            }
          },
          "404": {
            "description": "not_found: no such event",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/events/{eventID}/bookings": {
      "post": {
        "summary": "Book seats, or general-admission tickets of a class, all or nothing",
        "tags": [
          "bookings"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "eventID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 4294967295
            },
            "description": "the event's id"
          },
          {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 200,
              "pattern": "^[!-~]+$"
            },
            "description": "the same key again returns the first answer instead of booking twice"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Booking"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Booked; every ticket issued",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/BookingResult"
                }
              }
            },
            "headers": {
              "Idempotency-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same key",
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "413": {
            "$ref": "#/components/responses/BodyTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "403": {
            "description": "cross_site_request: a cookie-signed booking from another site",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "not_found: no such event",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "sale_not_open, sale_closed, over_limit, sold_out, seat_taken",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "422": {
            "description": "invalid_count, seat_not_in_event, class_mismatch, unknown_class, class_is_seated, idempotency_key_reused",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/tickets": {
      "get": {
        "summary": "The signed-in person's tickets",
        "tags": [
          "tickets"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "responses": {
          "200": {
            "description": "The tickets",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "tickets"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "tickets": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Ticket"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          }
        }
      }
    },
    "/api/v1/tickets/{ticketID}": {
      "get": {
        "summary": "One ticket (its holder or an organiser)",
        "tags": [
          "tickets"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "ticketID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,20}$"
            },
            "description": "a ticket id (u64, decimal)"
          }
        ],
        "responses": {
          "200": {
            "description": "The ticket",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Ticket"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "404": {
            "description": "not_found: no such ticket, or not yours",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/tickets/{ticketID}/token": {
      "get": {
        "summary": "The ticket's FT1 token",
        "tags": [
          "tickets"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "ticketID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,20}$"
            },
            "description": "a ticket id (u64, decimal)"
          }
        ],
        "responses": {
          "200": {
            "description": "The token",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "ticket_id",
                    "token"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "ticket_id": {
                      "type": "string",
                      "pattern": "^[0-9]+$"
                    },
                    "token": {
                      "type": "string",
                      "pattern": "^FT1:"
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "404": {
            "description": "not_found: no such ticket, or not yours",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/tickets/{ticketID}/qr.svg": {
      "get": {
        "summary": "The ticket's QR code as SVG",
        "tags": [
          "tickets"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "ticketID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,20}$"
            },
            "description": "a ticket id (u64, decimal)"
          }
        ],
        "responses": {
          "200": {
            "description": "SVG",
            "content": {
              "image/svg+xml": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "404": {
            "description": "not_found: no such ticket, or not yours",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/tickets/{ticketID}/qr.png": {
      "get": {
        "summary": "The ticket's QR code as PNG",
        "tags": [
          "tickets"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "ticketID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,20}$"
            },
            "description": "a ticket id (u64, decimal)"
          }
        ],
        "responses": {
          "200": {
            "description": "PNG",
            "content": {
              "image/png": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "404": {
            "description": "not_found: no such ticket, or not yours",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/tickets/{ticketID}/cancel": {
      "post": {
        "summary": "Cancel one's own ticket until the event starts (no body)",
        "tags": [
          "tickets"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "ticketID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,20}$"
            },
            "description": "a ticket id (u64, decimal)"
          }
        ],
        "responses": {
          "200": {
            "description": "The cancelled ticket",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Ticket"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "403": {
            "description": "cross_site_request",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "not_found: no such ticket, or not yours",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "event_started, ticket_not_valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/tickets/{ticketID}/revoke": {
      "post": {
        "summary": "Revoke a ticket (organisers; no body)",
        "tags": [
          "tickets"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "ticketID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,20}$"
            },
            "description": "a ticket id (u64, decimal)"
          }
        ],
        "responses": {
          "200": {
            "description": "The revoked ticket",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Ticket"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "description": "not_found: no such ticket",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "ticket_not_valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/tickets/{ticketID}/reissue": {
      "post": {
        "summary": "Revoke a ticket and issue a new one for the same holder and place (organisers; no body)",
        "tags": [
          "tickets"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "ticketID",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,20}$"
            },
            "description": "a ticket id (u64, decimal)"
          }
        ],
        "responses": {
          "201": {
            "description": "The old ticket, revoked, and the new one",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "revoked",
                    "ticket"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "revoked": {
                      "$ref": "#/components/schemas/Ticket"
                    },
                    "ticket": {
                      "$ref": "#/components/schemas/Ticket"
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "description": "not_found: no such ticket",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "ticket_not_valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/changes": {
      "get": {
        "summary": "The change log after a sequence number (staff and organisers)",
        "tags": [
          "tickets"
        ],
        "security": [
          {
            "bearer": []
          },
          {
            "cookie": []
          }
        ],
        "parameters": [
          {
            "name": "after",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 0,
              "default": 0,
              "format": "int64"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 5000,
              "default": 500
            }
          },
          {
            "name": "event_id",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 0,
              "maximum": 4294967295
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Changes in order",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "changes"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "changes": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Change"
                      }
                    }
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_request: after, limit or event_id out of range",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/NotSignedIn"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "additionalProperties": false,
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "code",
              "message"
            ],
            "additionalProperties": false,
            "properties": {
              "code": {
                "type": "string"
              },
              "message": {
                "type": "string"
              }
            }
          }
        }
      },
      "SignUp": {
        "type": "object",
        "required": [
          "email",
          "display_name",
          "password"
        ],
        "properties": {
          "email": {
            "type": "string",
            "minLength": 3,
            "maxLength": 254,
            "pattern": "^[^@\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]+@[^@\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*\\.[^@\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*$",
            "description": "local@domain, no spaces"
          },
          "display_name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 48,
            "pattern": "^[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]([^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069])?$",
            "description": "1 to 48 bytes of printable UTF-8: no control characters, line separators or bidirectional overrides; surrounding spaces are trimmed; printed on tickets"
          },
          "password": {
            "type": "string",
            "minLength": 10,
            "maxLength": 128,
            "description": "at least 10 characters, at most 128 bytes, not the email, not one of the most common passwords"
          }
        }
      },
      "LogIn": {
        "type": "object",
        "required": [
          "email",
          "password"
        ],
        "properties": {
          "email": {
            "type": "string"
          },
          "password": {
            "type": "string"
          }
        }
      },
      "Session": {
        "type": "object",
        "required": [
          "account",
          "session_token"
        ],
        "additionalProperties": false,
        "properties": {
          "account": {
            "$ref": "#/components/schemas/Account"
          },
          "session_token": {
            "type": "string",
            "description": "send as Authorization: Bearer …"
          }
        }
      },
      "Account": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "id",
          "email",
          "display_name",
          "role"
        ],
        "properties": {
          "id": {
            "type": "integer",
            "format": "int64"
          },
          "email": {
            "type": "string"
          },
          "display_name": {
            "type": "string"
          },
          "role": {
            "type": "string",
            "enum": [
              "attendee",
              "staff",
              "organiser"
            ]
          }
        }
      },
      "Role": {
        "type": "object",
        "required": [
          "role"
        ],
        "properties": {
          "role": {
            "type": "string",
            "enum": [
              "attendee",
              "staff",
              "organiser"
            ]
          }
        }
      },
      "NewClass": {
        "type": "object",
        "required": [
          "zone",
          "name"
        ],
        "additionalProperties": true,
        "properties": {
          "zone": {
            "type": "integer",
            "minimum": 0,
            "maximum": 65535,
            "description": "the class number, also the zone a gate admits"
          },
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 40,
            "pattern": "^[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]([^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069])?$",
            "description": "1 to 40 bytes of printable UTF-8: no control characters, line separators or bidirectional overrides; surrounding spaces are trimmed"
          },
          "price_cents": {
            "type": "integer",
            "minimum": 0,
            "maximum": 100000000,
            "default": 0,
            "nullable": true
          },
          "capacity": {
            "type": "integer",
            "minimum": 0,
            "maximum": 1000000,
            "nullable": true,
            "description": "general admission: how many; absent or null for a seated class"
          }
        }
      },
      "TicketClass": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "zone",
          "name",
          "price_cents",
          "general_admission",
          "capacity",
          "sold"
        ],
        "properties": {
          "zone": {
            "type": "integer",
            "minimum": 0,
            "maximum": 65535
          },
          "name": {
            "type": "string"
          },
          "price_cents": {
            "type": "integer",
            "minimum": 0
          },
          "general_admission": {
            "type": "boolean"
          },
          "capacity": {
            "type": "integer",
            "minimum": 0,
            "nullable": true
          },
          "sold": {
            "type": "integer",
            "minimum": 0
          }
        }
      },
      "EventDetails": {
        "type": "object",
        "required": [
          "name",
          "venue",
          "starts_at",
          "ends_at",
          "gates_open_at",
          "sale_opens_at",
          "sale_closes_at",
          "per_person_limit"
        ],
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "pattern": "^[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]([^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069])?$",
            "description": "1 to 100 bytes of printable UTF-8: no control characters, line separators or bidirectional overrides; surrounding spaces are trimmed"
          },
          "venue": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "pattern": "^[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]([^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069])?$",
            "description": "1 to 100 bytes of printable UTF-8: no control characters, line separators or bidirectional overrides; surrounding spaces are trimmed"
          },
          "starts_at": {
            "type": "integer",
            "minimum": 0,
            "maximum": 4294967294,
            "description": "unix seconds"
          },
          "ends_at": {
            "type": "integer",
            "minimum": 0,
            "maximum": 4294967294,
            "description": "unix seconds"
          },
          "gates_open_at": {
            "type": "integer",
            "minimum": 0,
            "maximum": 4294967294,
            "description": "unix seconds"
          },
          "sale_opens_at": {
            "type": "integer",
            "format": "int64",
            "description": "unix seconds"
          },
          "sale_closes_at": {
            "type": "integer",
            "format": "int64",
            "description": "unix seconds"
          },
          "per_person_limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100
          }
        },
        "description": "gates_open_at <= starts_at < ends_at; sale_opens_at < sale_closes_at <= ends_at"
      },
      "NewEvent": {
        "type": "object",
        "required": [
          "name",
          "venue",
          "starts_at",
          "ends_at",
          "gates_open_at",
          "sale_opens_at",
          "sale_closes_at",
          "per_person_limit"
        ],
        "description": "gates_open_at <= starts_at < ends_at; sale_opens_at < sale_closes_at <= ends_at; class zones unique",
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "pattern": "^[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]([^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069])?$",
            "description": "1 to 100 bytes of printable UTF-8: no control characters, line separators or bidirectional overrides; surrounding spaces are trimmed"
          },
          "venue": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "pattern": "^[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]([^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069])?$",
            "description": "1 to 100 bytes of printable UTF-8: no control characters, line separators or bidirectional overrides; surrounding spaces are trimmed"
          },
          "starts_at": {
            "type": "integer",
            "minimum": 0,
            "maximum": 4294967294,
            "description": "unix seconds"
          },
          "ends_at": {
            "type": "integer",
            "minimum": 0,
            "maximum": 4294967294,
            "description": "unix seconds"
          },
          "gates_open_at": {
            "type": "integer",
            "minimum": 0,
            "maximum": 4294967294,
            "description": "unix seconds"
          },
          "sale_opens_at": {
            "type": "integer",
            "format": "int64",
            "description": "unix seconds"
          },
          "sale_closes_at": {
            "type": "integer",
            "format": "int64",
            "description": "unix seconds"
          },
          "per_person_limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100
          },
          "classes": {
            "type": "array",
            "maxItems": 100,
            "items": {
              "$ref": "#/components/schemas/NewClass"
            }
          }
        }
      },
      "Event": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "id",
          "name",
          "venue",
          "starts_at",
          "ends_at",
          "gates_open_at",
          "sale_opens_at",
          "sale_closes_at",
          "per_person_limit",
          "classes"
        ],
        "properties": {
          "id": {
            "type": "integer",
            "minimum": 1,
            "maximum": 4294967295
          },
          "name": {
            "type": "string"
          },
          "venue": {
            "type": "string"
          },
          "starts_at": {
            "type": "integer",
            "format": "int64"
          },
          "ends_at": {
            "type": "integer",
            "format": "int64"
          },
          "gates_open_at": {
            "type": "integer",
            "format": "int64"
          },
          "sale_opens_at": {
            "type": "integer",
            "format": "int64"
          },
          "sale_closes_at": {
            "type": "integer",
            "format": "int64"
          },
          "per_person_limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100
          },
          "classes": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/TicketClass"
            }
          }
        }
      },
      "Availability": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "event_id",
          "classes",
          "seats"
        ],
        "properties": {
          "event_id": {
            "type": "integer",
            "minimum": 1,
            "maximum": 4294967295
          },
          "classes": {
            "type": "array",
            "items": {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "zone",
                "name",
                "general_admission",
                "total",
                "remaining"
              ],
              "properties": {
                "zone": {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 65535
                },
                "name": {
                  "type": "string"
                },
                "general_admission": {
                  "type": "boolean"
                },
                "total": {
                  "type": "integer",
                  "minimum": 0
                },
                "remaining": {
                  "type": "integer"
                }
              }
            }
          },
          "seats": {
            "type": "array",
            "items": {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "id",
                "row",
                "seat",
                "label",
                "zone",
                "free"
              ],
              "properties": {
                "id": {
                  "type": "integer",
                  "format": "int64"
                },
                "row": {
                  "type": "string"
                },
                "seat": {
                  "type": "string"
                },
                "label": {
                  "type": "string"
                },
                "zone": {
                  "type": "integer"
                },
                "free": {
                  "type": "boolean"
                }
              }
            }
          }
        }
      },
      "Booking": {
        "oneOf": [
          {
            "type": "object",
            "title": "Seats",
            "required": [
              "seats"
            ],
            "additionalProperties": false,
            "properties": {
              "seats": {
                "type": "array",
                "minItems": 1,
                "maxItems": 100,
                "uniqueItems": true,
                "items": {
                  "type": "integer",
                  "format": "int64"
                },
                "description": "seat ids from the event's availability"
              },
              "ticket_class": {
                "type": "integer",
                "minimum": 0,
                "maximum": 65535,
                "description": "every seat must be in this class"
              },
              "idempotency_key": {
                "type": "string",
                "minLength": 1,
                "maxLength": 200,
                "pattern": "^[!-~]+$",
                "description": "idempotency key; the same as the Idempotency-Key header when both are sent"
              }
            }
          },
          {
            "type": "object",
            "title": "GeneralAdmission",
            "required": [
              "ticket_class",
              "count"
            ],
            "additionalProperties": false,
            "properties": {
              "ticket_class": {
                "type": "integer",
                "minimum": 0,
                "maximum": 65535
              },
              "count": {
                "type": "integer",
                "minimum": 1,
                "maximum": 100
              },
              "idempotency_key": {
                "type": "string",
                "minLength": 1,
                "maxLength": 200,
                "pattern": "^[!-~]+$",
                "description": "idempotency key; the same as the Idempotency-Key header when both are sent"
              }
            }
          }
        ]
      },
      "BookingResult": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "booking_id",
          "event_id",
          "tickets"
        ],
        "properties": {
          "booking_id": {
            "type": "integer",
            "format": "int64"
          },
          "event_id": {
            "type": "integer",
            "minimum": 1,
            "maximum": 4294967295
          },
          "tickets": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Ticket"
            }
          }
        }
      },
      "Ticket": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "id",
          "event_id",
          "ticket_class",
          "seat",
          "holder",
          "status",
          "created_at",
          "changed_at"
        ],
        "properties": {
          "id": {
            "type": "string",
            "pattern": "^[0-9]+$",
            "description": "u64 as a decimal string"
          },
          "event_id": {
            "type": "integer",
            "minimum": 1,
            "maximum": 4294967295
          },
          "ticket_class": {
            "type": "integer",
            "minimum": 0,
            "maximum": 65535
          },
          "seat": {
            "type": "string",
            "nullable": true
          },
          "holder": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "valid",
              "cancelled",
              "revoked"
            ]
          },
          "created_at": {
            "type": "integer",
            "format": "int64"
          },
          "changed_at": {
            "type": "integer",
            "format": "int64"
          }
        }
      },
      "Change": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "seq",
          "at",
          "kind",
          "event_id",
          "ticket_id",
          "detail"
        ],
        "properties": {
          "seq": {
            "type": "integer",
            "format": "int64"
          },
          "at": {
            "type": "integer",
            "format": "int64"
          },
          "kind": {
            "type": "string",
            "enum": [
              "event_created",
              "event_changed",
              "seat_map_replaced",
              "ticket_issued",
              "ticket_cancelled",
              "ticket_revoked",
              "ticket_resigned"
            ]
          },
          "event_id": {
            "type": "integer",
            "nullable": true
          },
          "ticket_id": {
            "type": "string",
            "nullable": true
          },
          "detail": {
            "type": "string",
            "description": "a JSON object as text"
          }
        }
      }
    },
    "responses": {
      "BadRequest": {
        "description": "invalid_json: the body is not JSON or not this JSON (the message names the field); invalid_request",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "NotSignedIn": {
        "description": "not_signed_in: no valid session (bearer token or fg_session cookie)",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Forbidden": {
        "description": "forbidden: the role does not allow it; cross_site_request: a cookie-signed change from another site",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "NotFound": {
        "description": "not_found",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Conflict": {
        "description": "a conflict with the current state (the code says which)",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "BodyTooLarge": {
        "description": "body_too_large: the body is over 256 KiB",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "UnsupportedMediaType": {
        "description": "unsupported_media_type: the body must be application/json",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "InvalidField": {
        "description": "a field breaks a rule (the code says which)",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "TooManyRequests": {
        "description": "too_many_requests: throttled; wait Retry-After seconds",
        "headers": {
          "Retry-After": {
            "description": "seconds until a try is allowed again",
            "schema": {
              "type": "integer"
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      }
    },
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer"
      },
      "cookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "fg_session"
      }
    }
  }
}
"""#
}
