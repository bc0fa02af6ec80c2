// Generated from the live database schema by `npm run db:types`; do not edit.

export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      accounts: {
        Row: {
          created_at: string
          domain: string
          id: string
          name: string | null
          org_id: string
          owner_id: string | null
          updated_at: string
        }
        Insert: {
          created_at?: string
          domain: string
          id?: string
          name?: string | null
          org_id: string
          owner_id?: string | null
          updated_at?: string
        }
        Update: {
          created_at?: string
          domain?: string
          id?: string
          name?: string | null
          org_id?: string
          owner_id?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "accounts_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "accounts_owner_id_org_id_fkey"
            columns: ["owner_id", "org_id"]
            isOneToOne: false
            referencedRelation: "members"
            referencedColumns: ["id", "org_id"]
          },
        ]
      }
      business_calendars: {
        Row: {
          always_open: boolean
          created_at: string
          holidays: string[]
          id: string
          name: string
          org_id: string
          time_zone: string
          updated_at: string
          weekly_hours: Json
        }
        Insert: {
          always_open?: boolean
          created_at?: string
          holidays?: string[]
          id?: string
          name: string
          org_id: string
          time_zone: string
          updated_at?: string
          weekly_hours?: Json
        }
        Update: {
          always_open?: boolean
          created_at?: string
          holidays?: string[]
          id?: string
          name?: string
          org_id?: string
          time_zone?: string
          updated_at?: string
          weekly_hours?: Json
        }
        Relationships: [
          {
            foreignKeyName: "business_calendars_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      dispositions: {
        Row: {
          callback_at: string | null
          channel: Database["public"]["Enums"]["contact_channel"]
          id: string
          lead_id: string
          notes: string | null
          occurred_at: string
          org_id: string
          outcome: Database["public"]["Enums"]["disposition_outcome"]
          received_at: string
          rep_id: string
        }
        Insert: {
          callback_at?: string | null
          channel?: Database["public"]["Enums"]["contact_channel"]
          id: string
          lead_id: string
          notes?: string | null
          occurred_at: string
          org_id: string
          outcome: Database["public"]["Enums"]["disposition_outcome"]
          received_at?: string
          rep_id: string
        }
        Update: {
          callback_at?: string | null
          channel?: Database["public"]["Enums"]["contact_channel"]
          id?: string
          lead_id?: string
          notes?: string | null
          occurred_at?: string
          org_id?: string
          outcome?: Database["public"]["Enums"]["disposition_outcome"]
          received_at?: string
          rep_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "dispositions_lead_id_org_id_fkey"
            columns: ["lead_id", "org_id"]
            isOneToOne: false
            referencedRelation: "leads"
            referencedColumns: ["id", "org_id"]
          },
          {
            foreignKeyName: "dispositions_rep_id_org_id_fkey"
            columns: ["rep_id", "org_id"]
            isOneToOne: false
            referencedRelation: "members"
            referencedColumns: ["id", "org_id"]
          },
        ]
      }
      ingest_requests: {
        Row: {
          created_at: string
          idempotency_key: string
          lead_id: string | null
          request_hash: string | null
          response_body: Json | null
          response_status: number | null
          source_id: string
        }
        Insert: {
          created_at?: string
          idempotency_key: string
          lead_id?: string | null
          request_hash?: string | null
          response_body?: Json | null
          response_status?: number | null
          source_id: string
        }
        Update: {
          created_at?: string
          idempotency_key?: string
          lead_id?: string | null
          request_hash?: string | null
          response_body?: Json | null
          response_status?: number | null
          source_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "ingest_requests_lead_id_fkey"
            columns: ["lead_id"]
            isOneToOne: false
            referencedRelation: "leads"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ingest_requests_source_id_fkey"
            columns: ["source_id"]
            isOneToOne: false
            referencedRelation: "lead_sources"
            referencedColumns: ["id"]
          },
        ]
      }
      lead_events: {
        Row: {
          actor_id: string | null
          client_ref: string | null
          details: Json
          id: number
          lead_id: string
          occurred_at: string
          org_id: string
          type: Database["public"]["Enums"]["lead_event_type"]
        }
        Insert: {
          actor_id?: string | null
          client_ref?: string | null
          details?: Json
          id?: never
          lead_id: string
          occurred_at?: string
          org_id: string
          type: Database["public"]["Enums"]["lead_event_type"]
        }
        Update: {
          actor_id?: string | null
          client_ref?: string | null
          details?: Json
          id?: never
          lead_id?: string
          occurred_at?: string
          org_id?: string
          type?: Database["public"]["Enums"]["lead_event_type"]
        }
        Relationships: [
          {
            foreignKeyName: "lead_events_lead_id_org_id_fkey"
            columns: ["lead_id", "org_id"]
            isOneToOne: false
            referencedRelation: "leads"
            referencedColumns: ["id", "org_id"]
          },
        ]
      }
      lead_sources: {
        Row: {
          ack_template: string | null
          allowed_origins: string[]
          channel: Database["public"]["Enums"]["lead_channel"]
          created_at: string
          default_country: string | null
          default_tier: Database["public"]["Enums"]["lead_tier"] | null
          id: string
          ip_rate_limit_per_minute: number
          key_hash: string
          key_prefix: string
          name: string
          org_id: string
          rate_limit_per_minute: number
          revoked_at: string | null
          sla_policy_id: string | null
          team_id: string | null
          thank_you_url: string | null
          updated_at: string
        }
        Insert: {
          ack_template?: string | null
          allowed_origins?: string[]
          channel: Database["public"]["Enums"]["lead_channel"]
          created_at?: string
          default_country?: string | null
          default_tier?: Database["public"]["Enums"]["lead_tier"] | null
          id?: string
          ip_rate_limit_per_minute?: number
          key_hash: string
          key_prefix: string
          name: string
          org_id: string
          rate_limit_per_minute?: number
          revoked_at?: string | null
          sla_policy_id?: string | null
          team_id?: string | null
          thank_you_url?: string | null
          updated_at?: string
        }
        Update: {
          ack_template?: string | null
          allowed_origins?: string[]
          channel?: Database["public"]["Enums"]["lead_channel"]
          created_at?: string
          default_country?: string | null
          default_tier?: Database["public"]["Enums"]["lead_tier"] | null
          id?: string
          ip_rate_limit_per_minute?: number
          key_hash?: string
          key_prefix?: string
          name?: string
          org_id?: string
          rate_limit_per_minute?: number
          revoked_at?: string | null
          sla_policy_id?: string | null
          team_id?: string | null
          thank_you_url?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "lead_sources_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lead_sources_sla_policy_id_org_id_fkey"
            columns: ["sla_policy_id", "org_id"]
            isOneToOne: false
            referencedRelation: "sla_policies"
            referencedColumns: ["id", "org_id"]
          },
          {
            foreignKeyName: "lead_sources_team_id_org_id_fkey"
            columns: ["team_id", "org_id"]
            isOneToOne: false
            referencedRelation: "teams"
            referencedColumns: ["id", "org_id"]
          },
        ]
      }
      lead_status_transitions: {
        Row: {
          from_status: Database["public"]["Enums"]["lead_status"]
          to_status: Database["public"]["Enums"]["lead_status"]
        }
        Insert: {
          from_status: Database["public"]["Enums"]["lead_status"]
          to_status: Database["public"]["Enums"]["lead_status"]
        }
        Update: {
          from_status?: Database["public"]["Enums"]["lead_status"]
          to_status?: Database["public"]["Enums"]["lead_status"]
        }
        Relationships: []
      }
      leads: {
        Row: {
          assigned_at: string | null
          assigned_to: string | null
          attempt_count: number
          attributes: Json
          callback_at: string | null
          company: string | null
          company_size: string | null
          consent: boolean
          contacted_at: string | null
          country: string | null
          created_at: string
          dedupe_email: string | null
          dedupe_phone: string | null
          domain: string | null
          email: string | null
          first_contact_at: string | null
          first_name: string | null
          full_name: string | null
          id: string
          in_fallback_queue: boolean
          industry: string | null
          is_spam: boolean
          language: string | null
          last_name: string | null
          message: string | null
          next_attempt_at: string | null
          org_id: string
          phone: string | null
          product_interest: string | null
          raw_payload: Json
          reengaged_at: string | null
          reengaged_count: number
          region: string | null
          score: number
          score_explanation: Json
          sla_breached_at: string | null
          sla_due_at: string | null
          sla_escalated_at: string | null
          sla_policy_id: string | null
          sla_reminded_at: string | null
          sla_started_at: string | null
          sla_state: Database["public"]["Enums"]["sla_state"]
          source_id: string | null
          speed_to_lead_business_seconds: number | null
          speed_to_lead_calendar_seconds: number | null
          status: Database["public"]["Enums"]["lead_status"]
          team_id: string | null
          tier: Database["public"]["Enums"]["lead_tier"]
          title: string | null
          updated_at: string
          utm: Json
        }
        Insert: {
          assigned_at?: string | null
          assigned_to?: string | null
          attempt_count?: number
          attributes?: Json
          callback_at?: string | null
          company?: string | null
          company_size?: string | null
          consent?: boolean
          contacted_at?: string | null
          country?: string | null
          created_at?: string
          dedupe_email?: string | null
          dedupe_phone?: string | null
          domain?: string | null
          email?: string | null
          first_contact_at?: string | null
          first_name?: string | null
          full_name?: string | null
          id?: string
          in_fallback_queue?: boolean
          industry?: string | null
          is_spam?: boolean
          language?: string | null
          last_name?: string | null
          message?: string | null
          next_attempt_at?: string | null
          org_id: string
          phone?: string | null
          product_interest?: string | null
          raw_payload?: Json
          reengaged_at?: string | null
          reengaged_count?: number
          region?: string | null
          score?: number
          score_explanation?: Json
          sla_breached_at?: string | null
          sla_due_at?: string | null
          sla_escalated_at?: string | null
          sla_policy_id?: string | null
          sla_reminded_at?: string | null
          sla_started_at?: string | null
          sla_state?: Database["public"]["Enums"]["sla_state"]
          source_id?: string | null
          speed_to_lead_business_seconds?: number | null
          speed_to_lead_calendar_seconds?: number | null
          status?: Database["public"]["Enums"]["lead_status"]
          team_id?: string | null
          tier?: Database["public"]["Enums"]["lead_tier"]
          title?: string | null
          updated_at?: string
          utm?: Json
        }
        Update: {
          assigned_at?: string | null
          assigned_to?: string | null
          attempt_count?: number
          attributes?: Json
          callback_at?: string | null
          company?: string | null
          company_size?: string | null
          consent?: boolean
          contacted_at?: string | null
          country?: string | null
          created_at?: string
          dedupe_email?: string | null
          dedupe_phone?: string | null
          domain?: string | null
          email?: string | null
          first_contact_at?: string | null
          first_name?: string | null
          full_name?: string | null
          id?: string
          in_fallback_queue?: boolean
          industry?: string | null
          is_spam?: boolean
          language?: string | null
          last_name?: string | null
          message?: string | null
          next_attempt_at?: string | null
          org_id?: string
          phone?: string | null
          product_interest?: string | null
          raw_payload?: Json
          reengaged_at?: string | null
          reengaged_count?: number
          region?: string | null
          score?: number
          score_explanation?: Json
          sla_breached_at?: string | null
          sla_due_at?: string | null
          sla_escalated_at?: string | null
          sla_policy_id?: string | null
          sla_reminded_at?: string | null
          sla_started_at?: string | null
          sla_state?: Database["public"]["Enums"]["sla_state"]
          source_id?: string | null
          speed_to_lead_business_seconds?: number | null
          speed_to_lead_calendar_seconds?: number | null
          status?: Database["public"]["Enums"]["lead_status"]
          team_id?: string | null
          tier?: Database["public"]["Enums"]["lead_tier"]
          title?: string | null
          updated_at?: string
          utm?: Json
        }
        Relationships: [
          {
            foreignKeyName: "leads_assigned_to_org_id_fkey"
            columns: ["assigned_to", "org_id"]
            isOneToOne: false
            referencedRelation: "members"
            referencedColumns: ["id", "org_id"]
          },
          {
            foreignKeyName: "leads_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "leads_sla_policy_id_org_id_fkey"
            columns: ["sla_policy_id", "org_id"]
            isOneToOne: false
            referencedRelation: "sla_policies"
            referencedColumns: ["id", "org_id"]
          },
          {
            foreignKeyName: "leads_source_id_org_id_fkey"
            columns: ["source_id", "org_id"]
            isOneToOne: false
            referencedRelation: "lead_sources"
            referencedColumns: ["id", "org_id"]
          },
          {
            foreignKeyName: "leads_team_id_org_id_fkey"
            columns: ["team_id", "org_id"]
            isOneToOne: false
            referencedRelation: "teams"
            referencedColumns: ["id", "org_id"]
          },
        ]
      }
      member_lead_notices: {
        Row: {
          created_at: string
          id: number
          kind: string
          lead_ids: string[]
          member_id: string
          org_id: string
          reason: string
        }
        Insert: {
          created_at?: string
          id?: never
          kind?: string
          lead_ids: string[]
          member_id: string
          org_id: string
          reason: string
        }
        Update: {
          created_at?: string
          id?: never
          kind?: string
          lead_ids?: string[]
          member_id?: string
          org_id?: string
          reason?: string
        }
        Relationships: []
      }
      members: {
        Row: {
          active: boolean
          availability: Database["public"]["Enums"]["member_availability"]
          availability_changed_at: string
          capacity: number
          created_at: string
          email: string
          full_name: string
          id: string
          languages: string[]
          org_id: string
          phone: string | null
          push_warm: boolean
          role: Database["public"]["Enums"]["member_role"]
          routing_weight: number
          skills: string[]
          team_id: string | null
          territories: string[]
          time_zone: string
          updated_at: string
          working_hours: Json | null
        }
        Insert: {
          active?: boolean
          availability?: Database["public"]["Enums"]["member_availability"]
          availability_changed_at?: string
          capacity?: number
          created_at?: string
          email: string
          full_name: string
          id: string
          languages?: string[]
          org_id: string
          phone?: string | null
          push_warm?: boolean
          role?: Database["public"]["Enums"]["member_role"]
          routing_weight?: number
          skills?: string[]
          team_id?: string | null
          territories?: string[]
          time_zone?: string
          updated_at?: string
          working_hours?: Json | null
        }
        Update: {
          active?: boolean
          availability?: Database["public"]["Enums"]["member_availability"]
          availability_changed_at?: string
          capacity?: number
          created_at?: string
          email?: string
          full_name?: string
          id?: string
          languages?: string[]
          org_id?: string
          phone?: string | null
          push_warm?: boolean
          role?: Database["public"]["Enums"]["member_role"]
          routing_weight?: number
          skills?: string[]
          team_id?: string | null
          territories?: string[]
          time_zone?: string
          updated_at?: string
          working_hours?: Json | null
        }
        Relationships: [
          {
            foreignKeyName: "members_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "members_team_id_org_id_fkey"
            columns: ["team_id", "org_id"]
            isOneToOne: false
            referencedRelation: "teams"
            referencedColumns: ["id", "org_id"]
          },
        ]
      }
      organizations: {
        Row: {
          created_at: string
          id: string
          name: string
          scoring_rules: Json | null
          time_zone: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          id?: string
          name: string
          scoring_rules?: Json | null
          time_zone?: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          id?: string
          name?: string
          scoring_rules?: Json | null
          time_zone?: string
          updated_at?: string
        }
        Relationships: []
      }
      outbound_messages: {
        Row: {
          attempts: number
          body: string
          channel: Database["public"]["Enums"]["outbound_channel"]
          created_at: string
          id: string
          last_error: string | null
          lead_id: string
          org_id: string
          recipient: string
          send_after: string
          sent_at: string | null
          source_id: string | null
          status: Database["public"]["Enums"]["outbound_status"]
          subject: string | null
          updated_at: string
        }
        Insert: {
          attempts?: number
          body: string
          channel: Database["public"]["Enums"]["outbound_channel"]
          created_at?: string
          id?: string
          last_error?: string | null
          lead_id: string
          org_id: string
          recipient: string
          send_after?: string
          sent_at?: string | null
          source_id?: string | null
          status?: Database["public"]["Enums"]["outbound_status"]
          subject?: string | null
          updated_at?: string
        }
        Update: {
          attempts?: number
          body?: string
          channel?: Database["public"]["Enums"]["outbound_channel"]
          created_at?: string
          id?: string
          last_error?: string | null
          lead_id?: string
          org_id?: string
          recipient?: string
          send_after?: string
          sent_at?: string | null
          source_id?: string | null
          status?: Database["public"]["Enums"]["outbound_status"]
          subject?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "outbound_messages_lead_id_org_id_fkey"
            columns: ["lead_id", "org_id"]
            isOneToOne: false
            referencedRelation: "leads"
            referencedColumns: ["id", "org_id"]
          },
          {
            foreignKeyName: "outbound_messages_source_id_org_id_fkey"
            columns: ["source_id", "org_id"]
            isOneToOne: false
            referencedRelation: "lead_sources"
            referencedColumns: ["id", "org_id"]
          },
        ]
      }
      push_subscriptions: {
        Row: {
          auth: string
          created_at: string
          endpoint: string
          failure_count: number
          id: string
          last_success_at: string | null
          member_id: string
          org_id: string
          p256dh: string
          user_agent_label: string | null
        }
        Insert: {
          auth: string
          created_at?: string
          endpoint: string
          failure_count?: number
          id?: string
          last_success_at?: string | null
          member_id: string
          org_id: string
          p256dh: string
          user_agent_label?: string | null
        }
        Update: {
          auth?: string
          created_at?: string
          endpoint?: string
          failure_count?: number
          id?: string
          last_success_at?: string | null
          member_id?: string
          org_id?: string
          p256dh?: string
          user_agent_label?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "push_subscriptions_member_id_org_id_fkey"
            columns: ["member_id", "org_id"]
            isOneToOne: false
            referencedRelation: "members"
            referencedColumns: ["id", "org_id"]
          },
        ]
      }
      round_robin_state: {
        Row: {
          counter: number
          last_member_id: string | null
          team_id: string
          updated_at: string
        }
        Insert: {
          counter?: number
          last_member_id?: string | null
          team_id: string
          updated_at?: string
        }
        Update: {
          counter?: number
          last_member_id?: string | null
          team_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "round_robin_state_last_member_id_fkey"
            columns: ["last_member_id"]
            isOneToOne: false
            referencedRelation: "members"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "round_robin_state_team_id_fkey"
            columns: ["team_id"]
            isOneToOne: true
            referencedRelation: "teams"
            referencedColumns: ["id"]
          },
        ]
      }
      routing_rules: {
        Row: {
          conditions: Json
          created_at: string
          enabled: boolean
          id: string
          name: string
          org_id: string
          position: number
          strategy: Database["public"]["Enums"]["routing_strategy"]
          target_member_ids: string[]
          team_id: string
          updated_at: string
        }
        Insert: {
          conditions?: Json
          created_at?: string
          enabled?: boolean
          id?: string
          name: string
          org_id: string
          position: number
          strategy: Database["public"]["Enums"]["routing_strategy"]
          target_member_ids?: string[]
          team_id: string
          updated_at?: string
        }
        Update: {
          conditions?: Json
          created_at?: string
          enabled?: boolean
          id?: string
          name?: string
          org_id?: string
          position?: number
          strategy?: Database["public"]["Enums"]["routing_strategy"]
          target_member_ids?: string[]
          team_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "routing_rules_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "routing_rules_team_id_org_id_fkey"
            columns: ["team_id", "org_id"]
            isOneToOne: false
            referencedRelation: "teams"
            referencedColumns: ["id", "org_id"]
          },
        ]
      }
      sla_policies: {
        Row: {
          cadence_minutes: number[]
          calendar_id: string | null
          created_at: string
          escalate_factor: number
          id: string
          max_attempts: number
          name: string
          org_id: string
          remind_at_pct: number
          source_id: string | null
          target_minutes: number
          tier: Database["public"]["Enums"]["lead_tier"]
          updated_at: string
        }
        Insert: {
          cadence_minutes?: number[]
          calendar_id?: string | null
          created_at?: string
          escalate_factor?: number
          id?: string
          max_attempts?: number
          name: string
          org_id: string
          remind_at_pct?: number
          source_id?: string | null
          target_minutes: number
          tier: Database["public"]["Enums"]["lead_tier"]
          updated_at?: string
        }
        Update: {
          cadence_minutes?: number[]
          calendar_id?: string | null
          created_at?: string
          escalate_factor?: number
          id?: string
          max_attempts?: number
          name?: string
          org_id?: string
          remind_at_pct?: number
          source_id?: string | null
          target_minutes?: number
          tier?: Database["public"]["Enums"]["lead_tier"]
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "sla_policies_calendar_id_org_id_fkey"
            columns: ["calendar_id", "org_id"]
            isOneToOne: false
            referencedRelation: "business_calendars"
            referencedColumns: ["id", "org_id"]
          },
          {
            foreignKeyName: "sla_policies_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "sla_policies_source_id_org_id_fkey"
            columns: ["source_id", "org_id"]
            isOneToOne: false
            referencedRelation: "lead_sources"
            referencedColumns: ["id", "org_id"]
          },
        ]
      }
      teams: {
        Row: {
          created_at: string
          fallback_owner_id: string | null
          id: string
          manager_id: string | null
          name: string
          org_id: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          fallback_owner_id?: string | null
          id?: string
          manager_id?: string | null
          name: string
          org_id: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          fallback_owner_id?: string | null
          id?: string
          manager_id?: string | null
          name?: string
          org_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "teams_fallback_owner_id_org_id_fkey"
            columns: ["fallback_owner_id", "org_id"]
            isOneToOne: false
            referencedRelation: "members"
            referencedColumns: ["id", "org_id"]
          },
          {
            foreignKeyName: "teams_manager_id_org_id_fkey"
            columns: ["manager_id", "org_id"]
            isOneToOne: false
            referencedRelation: "members"
            referencedColumns: ["id", "org_id"]
          },
          {
            foreignKeyName: "teams_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      manager_board: {
        Args: never
        Returns: Json
      }
      manager_metrics: {
        Args: { dimension?: string; period?: string }
        Returns: Json
      }
      next_lead: {
        Args: never
        Returns: {
          assigned_at: string | null
          assigned_to: string | null
          attempt_count: number
          attributes: Json
          callback_at: string | null
          company: string | null
          company_size: string | null
          consent: boolean
          contacted_at: string | null
          country: string | null
          created_at: string
          dedupe_email: string | null
          dedupe_phone: string | null
          domain: string | null
          email: string | null
          first_contact_at: string | null
          first_name: string | null
          full_name: string | null
          id: string
          in_fallback_queue: boolean
          industry: string | null
          is_spam: boolean
          language: string | null
          last_name: string | null
          message: string | null
          next_attempt_at: string | null
          org_id: string
          phone: string | null
          product_interest: string | null
          raw_payload: Json
          reengaged_at: string | null
          reengaged_count: number
          region: string | null
          score: number
          score_explanation: Json
          sla_breached_at: string | null
          sla_due_at: string | null
          sla_escalated_at: string | null
          sla_policy_id: string | null
          sla_reminded_at: string | null
          sla_started_at: string | null
          sla_state: Database["public"]["Enums"]["sla_state"]
          source_id: string | null
          speed_to_lead_business_seconds: number | null
          speed_to_lead_calendar_seconds: number | null
          status: Database["public"]["Enums"]["lead_status"]
          team_id: string | null
          tier: Database["public"]["Enums"]["lead_tier"]
          title: string | null
          updated_at: string
          utm: Json
        }
        SetofOptions: {
          from: "*"
          to: "leads"
          isOneToOne: true
          isSetofReturn: true
        }
      }
      nudge_lead_owner: {
        Args: { lead_id: string; message?: string }
        Returns: Json
      }
      queue_summary: {
        Args: never
        Returns: Json
      }
      reassign_lead: {
        Args: { lead_id: string; reason?: string; to_member_id: string }
        Returns: {
          assigned_at: string | null
          assigned_to: string | null
          attempt_count: number
          attributes: Json
          callback_at: string | null
          company: string | null
          company_size: string | null
          consent: boolean
          contacted_at: string | null
          country: string | null
          created_at: string
          dedupe_email: string | null
          dedupe_phone: string | null
          domain: string | null
          email: string | null
          first_contact_at: string | null
          first_name: string | null
          full_name: string | null
          id: string
          in_fallback_queue: boolean
          industry: string | null
          is_spam: boolean
          language: string | null
          last_name: string | null
          message: string | null
          next_attempt_at: string | null
          org_id: string
          phone: string | null
          product_interest: string | null
          raw_payload: Json
          reengaged_at: string | null
          reengaged_count: number
          region: string | null
          score: number
          score_explanation: Json
          sla_breached_at: string | null
          sla_due_at: string | null
          sla_escalated_at: string | null
          sla_policy_id: string | null
          sla_reminded_at: string | null
          sla_started_at: string | null
          sla_state: Database["public"]["Enums"]["sla_state"]
          source_id: string | null
          speed_to_lead_business_seconds: number | null
          speed_to_lead_calendar_seconds: number | null
          status: Database["public"]["Enums"]["lead_status"]
          team_id: string | null
          tier: Database["public"]["Enums"]["lead_tier"]
          title: string | null
          updated_at: string
          utm: Json
        }
        SetofOptions: {
          from: "*"
          to: "leads"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      record_contact_attempt: {
        Args: { channel?: Database["public"]["Enums"]["contact_channel"]; id: string; lead_id: string; occurred_at?: string }
        Returns: Json
      }
      register_push_subscription: {
        Args: { auth: string; endpoint: string; p256dh: string; user_agent_label?: string }
        Returns: {
          auth: string
          created_at: string
          endpoint: string
          failure_count: number
          id: string
          last_success_at: string | null
          member_id: string
          org_id: string
          p256dh: string
          user_agent_label: string | null
        }
        SetofOptions: {
          from: "*"
          to: "push_subscriptions"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      remove_push_subscription: {
        Args: { endpoint: string }
        Returns: boolean
      }
      set_availability: {
        Args: { status: Database["public"]["Enums"]["member_availability"] }
        Returns: {
          active: boolean
          availability: Database["public"]["Enums"]["member_availability"]
          availability_changed_at: string
          capacity: number
          created_at: string
          email: string
          full_name: string
          id: string
          languages: string[]
          org_id: string
          phone: string | null
          push_warm: boolean
          role: Database["public"]["Enums"]["member_role"]
          routing_weight: number
          skills: string[]
          team_id: string | null
          territories: string[]
          time_zone: string
          updated_at: string
          working_hours: Json | null
        }
        SetofOptions: {
          from: "*"
          to: "members"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      sync_dispositions: {
        Args: { items: Json }
        Returns: Json
      }
    }
    Enums: {
      contact_channel: "phone" | "sms" | "email" | "chat" | "video" | "in_person" | "other"
      disposition_outcome:
        | "connected"
        | "no_answer"
        | "voicemail"
        | "wrong_number"
        | "bad_number"
        | "not_interested"
        | "callback"
        | "meeting_booked"
        | "qualified"
        | "disqualified"
      lead_channel:
        | "web_form"
        | "phone"
        | "email"
        | "event"
        | "chat"
        | "third_party"
        | "ad"
      lead_event_type:
        | "created"
        | "merged"
        | "re_engaged"
        | "scored"
        | "routed"
        | "assigned"
        | "reassigned"
        | "unassigned"
        | "fallback_queued"
        | "reminded"
        | "breached"
        | "escalated"
        | "push_pending"
        | "push_sent"
        | "push_failed"
        | "nudged"
        | "contact_attempted"
        | "disposition"
        | "status_changed"
        | "callback_scheduled"
        | "ack_queued"
        | "spam_flagged"
        | "note"
      lead_status:
        | "new"
        | "assigned"
        | "attempting"
        | "contacted"
        | "qualified"
        | "converted"
        | "disqualified"
        | "nurture"
      lead_tier: "HOT" | "WARM" | "COLD"
      member_availability: "on_shift" | "break" | "off"
      member_role: "rep" | "manager" | "admin"
      outbound_channel: "email" | "sms"
      outbound_status: "queued" | "sending" | "sent" | "failed" | "cancelled"
      routing_strategy:
        | "account_owner"
        | "territory"
        | "skill"
        | "round_robin"
        | "least_loaded"
      sla_state: "none" | "running" | "met" | "breached" | "escalated"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">
type SchemaName = keyof DatabaseWithoutInternals
type SchemaOption = { schema: SchemaName }
type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]
type TablesAndViews<S extends SchemaName> = DatabaseWithoutInternals[S]["Tables"] & DatabaseWithoutInternals[S]["Views"]
type DefaultTablesAndViews = DefaultSchema["Tables"] & DefaultSchema["Views"]
type Picked<Source, Name, Part extends string> = Name extends keyof Source
  ? Source[Name] extends Record<Part, infer Shape> ? Shape : never
  : never

export type Tables<
  NameOrOptions extends keyof DefaultTablesAndViews | SchemaOption,
  Name extends NameOrOptions extends SchemaOption ? keyof TablesAndViews<NameOrOptions["schema"]> : never = never,
> = NameOrOptions extends SchemaOption
  ? Picked<TablesAndViews<NameOrOptions["schema"]>, Name, "Row">
  : Picked<DefaultTablesAndViews, NameOrOptions, "Row">

export type TablesInsert<
  NameOrOptions extends keyof DefaultSchema["Tables"] | SchemaOption,
  Name extends NameOrOptions extends SchemaOption ? keyof DatabaseWithoutInternals[NameOrOptions["schema"]]["Tables"] : never = never,
> = NameOrOptions extends SchemaOption
  ? Picked<DatabaseWithoutInternals[NameOrOptions["schema"]]["Tables"], Name, "Insert">
  : Picked<DefaultSchema["Tables"], NameOrOptions, "Insert">

export type TablesUpdate<
  NameOrOptions extends keyof DefaultSchema["Tables"] | SchemaOption,
  Name extends NameOrOptions extends SchemaOption ? keyof DatabaseWithoutInternals[NameOrOptions["schema"]]["Tables"] : never = never,
> = NameOrOptions extends SchemaOption
  ? Picked<DatabaseWithoutInternals[NameOrOptions["schema"]]["Tables"], Name, "Update">
  : Picked<DefaultSchema["Tables"], NameOrOptions, "Update">

export type Enums<
  NameOrOptions extends keyof DefaultSchema["Enums"] | SchemaOption,
  Name extends NameOrOptions extends SchemaOption ? keyof DatabaseWithoutInternals[NameOrOptions["schema"]]["Enums"] : never = never,
> = NameOrOptions extends SchemaOption
  ? DatabaseWithoutInternals[NameOrOptions["schema"]]["Enums"][Name]
  : NameOrOptions extends keyof DefaultSchema["Enums"] ? DefaultSchema["Enums"][NameOrOptions] : never

export type CompositeTypes<
  NameOrOptions extends keyof DefaultSchema["CompositeTypes"] | SchemaOption,
  Name extends NameOrOptions extends SchemaOption ? keyof DatabaseWithoutInternals[NameOrOptions["schema"]]["CompositeTypes"] : never = never,
> = NameOrOptions extends SchemaOption
  ? DatabaseWithoutInternals[NameOrOptions["schema"]]["CompositeTypes"][Name]
  : NameOrOptions extends keyof DefaultSchema["CompositeTypes"] ? DefaultSchema["CompositeTypes"][NameOrOptions] : never

export const Constants = {
  public: {
    Enums: {
      contact_channel: ["phone", "sms", "email", "chat", "video", "in_person", "other"],
      disposition_outcome: ["connected", "no_answer", "voicemail", "wrong_number", "bad_number", "not_interested", "callback", "meeting_booked", "qualified", "disqualified"],
      lead_channel: ["web_form", "phone", "email", "event", "chat", "third_party", "ad"],
      lead_event_type: ["created", "merged", "re_engaged", "scored", "routed", "assigned", "reassigned", "unassigned", "fallback_queued", "reminded", "breached", "escalated", "push_pending", "push_sent", "push_failed", "nudged", "contact_attempted", "disposition", "status_changed", "callback_scheduled", "ack_queued", "spam_flagged", "note"],
      lead_status: ["new", "assigned", "attempting", "contacted", "qualified", "converted", "disqualified", "nurture"],
      lead_tier: ["HOT", "WARM", "COLD"],
      member_availability: ["on_shift", "break", "off"],
      member_role: ["rep", "manager", "admin"],
      outbound_channel: ["email", "sms"],
      outbound_status: ["queued", "sending", "sent", "failed", "cancelled"],
      routing_strategy: ["account_owner", "territory", "skill", "round_robin", "least_loaded"],
      sla_state: ["none", "running", "met", "breached", "escalated"],
    },
  },
} as const
